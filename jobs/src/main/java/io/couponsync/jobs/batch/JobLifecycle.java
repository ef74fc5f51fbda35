package io.couponsync.jobs.batch;

import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.SmartLifecycle;

/**
 * At start-up, recovers executions a hard kill left STARTED (so they can be restarted) — unless the application
 * runs in another process on the same data (a command using its embedded MongoDB server), whose STARTED executions
 * are running, not left; at shutdown (SIGTERM), stops running executions at a chunk boundary and waits for them, so
 * a restart continues them.
 */
public final class JobLifecycle implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

	private final JobOperator operator;

	private final JobRepository repository;

	private final JobsProperties properties;

	private final List<String> jobNames;

	private final InFlightExecutions inFlight;

	private final boolean anotherProcessRuns;

	private volatile boolean running;

	/** @param anotherProcessRuns the application runs in another process on the same data */
	public JobLifecycle(JobOperator operator, JobRepository repository, JobsProperties properties, List<Job> jobs,
			InFlightExecutions inFlight, boolean anotherProcessRuns) {
		this.operator = operator;
		this.repository = repository;
		this.properties = properties;
		this.inFlight = inFlight;
		this.anotherProcessRuns = anotherProcessRuns;
		// why: the application's Job beans, since Boot does not fill the operator's job registry
		this.jobNames = jobs.stream().map(Job::getName).toList();
	}

	@Override
	public void start() {
		if (properties.recoverOnStartup() && anotherProcessRuns) {
			log.info("Not recovering executions left STARTED: the application runs in another process on the same "
					+ "data, and they are its running ones");
		}
		else if (properties.recoverOnStartup()) {
			for (String job : jobNames) {
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
		for (JobExecution execution : inFlight.running()) {
			try {
				log.info("Stopping {} execution {} for shutdown", execution.getJobInstance().getJobName(),
						execution.getId());
				operator.stop(execution);
			}
			catch (Exception ex) {
				log.warn("Cannot stop execution {}: {}", execution.getId(), ex.getMessage());
			}
		}
		while (!inFlight.isEmpty() && Instant.now().isBefore(deadline)) {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		if (!inFlight.isEmpty()) {
			log.warn("{} job executions still running after {}; the next start recovers them",
					inFlight.running().size(), properties.shutdownTimeout());
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
