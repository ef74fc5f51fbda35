package io.couponsync.jobs.batch;

import org.springframework.batch.core.job.JobExecution;

/**
 * What came of a launch through {@link JobRunner}: the execution it ran to its end, or why none ran.
 *
 * @param outcome whether an execution ran
 * @param execution the execution, when one ran
 * @param holder the lease that kept the job from running, when another launch held it
 */
public record JobLaunch(Outcome outcome, JobExecution execution, Lease holder) {

	public enum Outcome {
		/** An execution ran to its end (whatever its status). */
		RAN,
		/** Another launch, in this process or another, holds the job's lease. */
		LEASE_HELD,
		/** A restart was asked for, but the job's last execution did not fail or stop. */
		NOTHING_TO_RESTART,
		/** This process is shutting down and launches nothing more. */
		SHUTTING_DOWN
	}

	static JobLaunch ran(JobExecution execution) {
		return new JobLaunch(Outcome.RAN, execution, null);
	}

	static JobLaunch leaseHeld(Lease holder) {
		return new JobLaunch(Outcome.LEASE_HELD, null, holder);
	}

	static JobLaunch shuttingDown() {
		return new JobLaunch(Outcome.SHUTTING_DOWN, null, null);
	}

	static JobLaunch nothingToRestart() {
		return new JobLaunch(Outcome.NOTHING_TO_RESTART, null, null);
	}
}
