package io.couponsync.jobs.batch;

import java.util.Set;

/**
 * Which lease each job takes before it runs. The read model has one writer at a time: applyEventsJob projects
 * events into it, finalityJob marks its documents finalized and, after a fork, re-syncs them from chain,
 * reconcileJob overwrites them with the accounts, and orphanCleanupJob marks and deletes them; their counters,
 * change versions and fork undo assume no concurrent writer, so they share one lease. Every other job takes a
 * lease of its own name, so it runs beside them but never beside itself: the retention job, which only touches the
 * job repository, and the crawler, which writes staging only — it inserts transactions if absent, stages again one
 * the chain reports after a fork dropped it, and completes refetches at the slot staged — through guarded moves
 * of staging's that the read-model writers' own moves cannot lose.
 */
public final class JobLeases {

	/** The lease of the jobs that write the read model. */
	public static final String READ_MODEL = "read-model";

	private static final Set<String> READ_MODEL_WRITERS = Set.of("applyEventsJob", "finalityJob", "reconcileJob",
			"orphanCleanupJob");

	private JobLeases() {
	}

	public static String leaseOf(String jobName) {
		return READ_MODEL_WRITERS.contains(jobName) ? READ_MODEL : jobName;
	}
}
