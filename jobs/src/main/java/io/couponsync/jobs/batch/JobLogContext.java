package io.couponsync.jobs.batch;

import org.slf4j.MDC;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Puts the job execution id ({@code jobExecutionId}) and the job's name ({@code jobName}) in the logging MDC while a
 * job runs, so every log line of a job carries them (the structured JSON logs print MDC entries as fields). Set at
 * the start of each step too, since partitioned steps run on other threads than the job (a worker thread keeps them
 * until its next step).
 */
public class JobLogContext implements JobExecutionListener, StepExecutionListener {

	static final String EXECUTION_ID = "jobExecutionId";

	static final String JOB_NAME = "jobName";

	@Override
	public void beforeJob(JobExecution execution) {
		put(execution);
	}

	@Override
	public void afterJob(JobExecution execution) {
		clear();
	}

	@Override
	public void beforeStep(StepExecution step) {
		put(step.getJobExecution());
	}

	private static void put(JobExecution execution) {
		MDC.put(EXECUTION_ID, String.valueOf(execution.getId()));
		MDC.put(JOB_NAME, execution.getJobInstance().getJobName());
	}

	private static void clear() {
		MDC.remove(EXECUTION_ID);
		MDC.remove(JOB_NAME);
	}
}
