package io.couponsync.jobs.reconcile;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.step.StepExecution;

/** Routes reconcileJob by its {@code mode} parameter: {@code FULL} or {@code INCREMENTAL} (the default). */
class ReconcileModeDecider implements JobExecutionDecider {

	static final String FULL = "FULL";

	static final String INCREMENTAL = "INCREMENTAL";

	@Override
	public FlowExecutionStatus decide(JobExecution jobExecution, StepExecution stepExecution) {
		return new FlowExecutionStatus(ReconcileParameters.of(jobExecution.getJobParameters()).full() ? FULL
				: INCREMENTAL);
	}
}
