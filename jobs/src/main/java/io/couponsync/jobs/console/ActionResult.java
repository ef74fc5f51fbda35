package io.couponsync.jobs.console;

/**
 * What an action did, in words, and the execution it concerns (null when none is known yet: a launch or restart runs
 * in the background and its execution appears in the job's list).
 */
record ActionResult(String message, Long executionId) {
}
