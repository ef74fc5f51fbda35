package io.couponsync.jobs.readmodel;

/**
 * Whether counter changes are half done: increments a crashed apply run left in the {@link CounterJournal}, or a fork
 * undo that has not finished taking its events out of the log and the counters. Until they are done, a counter's
 * value cannot be told from the event log, so comparisons that subtract the log's contributions wait.
 */
@FunctionalInterface
public interface CountersInFlight {

	boolean any();
}
