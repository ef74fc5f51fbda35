package io.couponsync.jobs.batch;

import java.time.Instant;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.SmartLifecycle;

/**
 * At start-up, recovers executions a hard kill left STARTED (so they can be restarted); at shutdown (SIGTERM),
 * stops running executions at a chunk boundary and waits for them, so a restart continues them.
 */
public final class JobLifecycle implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

	private final JobOperator operator;

	private final JobRepository repository;

	private final JobsProperties properties;

	private volatile boolean running;

	public JobLifecycle(JobOperator operator, JobRepository repository, JobsProperties properties) {
		this.operator = operator;
		this.repository = repository;
		this.properties = properties;
	}

	@Override
	public void start() {
		if (properties.recoverOnStartup()) {
			for (String job : operator.getJobNames()) {
				for (JobExecution stale : repository.findRunningJobExecutions(job)) {
					log.warn("Recovering {} execution {} left {} by an earlier process", job, stale.getId(),
							stale.getStatus());
					operator.recover(stale);
				}
			}
		}
		running = true;
	}

	@Override
	public void stop() {
		running = false;
		Instant deadline = Instant.now().plus(properties.shutdownTimeout());
		for (String job : operator.getJobNames()) {
			Set<JobExecution> executions = repository.findRunningJobExecutions(job);
			for (JobExecution execution : executions) {
				try {
					log.info("Stopping {} execution {} for shutdown", job, execution.getId());
					operator.stop(execution);
				}
				catch (Exception ex) {
					log.warn("Cannot stop {} execution {}: {}", job, execution.getId(), ex.getMessage());
				}
			}
		}
		for (String job : operator.getJobNames()) {
			while (!repository.findRunningJobExecutions(job).isEmpty() && Instant.now().isBefore(deadline)) {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		// why: stop jobs before the scheduler and MongoDB go away
		return Integer.MAX_VALUE - 200;
	}
}
