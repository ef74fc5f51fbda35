package io.couponsync.jobs.batch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Launches jobs through {@link JobOperator} so that failures do not pile up: when a job's last execution failed or
 * stopped, that execution is restarted (continuing from its last committed chunk); only otherwise does a new
 * instance start, identified by a {@code run.id} parameter (the jobs have no incrementer, so the parameters given
 * here are the ones used).
 */
public final class JobRunner {

	private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

	private final JobOperator operator;

	private final JobRepository repository;

	public JobRunner(JobOperator operator, JobRepository repository) {
		this.operator = operator;
		this.repository = repository;
	}

	/** Runs the job to its end; returns null when an execution of it is already running. */
	public JobExecution run(Job job, JobParameters parameters) throws Exception {
		if (!repository.findRunningJobExecutions(job.getName()).isEmpty()) {
			log.debug("{} is already running", job.getName());
			return null;
		}
		JobInstance last = repository.getLastJobInstance(job.getName());
		JobExecution lastExecution = last == null ? null : repository.getLastJobExecution(last);
		if (lastExecution != null && (lastExecution.getStatus() == BatchStatus.FAILED
				|| lastExecution.getStatus() == BatchStatus.STOPPED)) {
			log.info("Restarting {} execution {} ({})", job.getName(), lastExecution.getId(),
					lastExecution.getStatus());
			return operator.restart(lastExecution);
		}
		JobParameters identified = new JobParametersBuilder(parameters)
			.addLong("run.id", System.currentTimeMillis()).toJobParameters();
		return operator.start(job, identified);
	}
}
