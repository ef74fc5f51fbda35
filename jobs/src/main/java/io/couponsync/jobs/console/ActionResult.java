package io.couponsync.jobs.console;

/**
 * What an action did, in words, and the execution it concerns (null when none is known yet: a launch or restart that
 * had not started its execution when the answer was given).
 */
record ActionResult(String message, Long executionId) {
}
