package io.couponsync.jobs.batch;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.SmartLifecycle;

/**
 * At start-up, recovers the executions left STARTED by launches whose lease expired (a process killed mid-job), so
 * the admin UI and the next launch see them FAILED; those of a process that still renews its lease are left to it.
 * At shutdown (SIGTERM), stops this process's running executions at a chunk boundary and waits for them, so a
 * restart continues them.
 */
public final class JobLifecycle implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

	private final JobRunner runner;

	private final JobsProperties properties;

	private final InFlightExecutions inFlight;

	private volatile boolean running;

	public JobLifecycle(JobRunner runner, JobsProperties properties,
			InFlightExecutions inFlight) {
		this.runner = runner;
		this.properties = properties;
		this.inFlight = inFlight;
	}

	@Override
	public void start() {
		if (properties.recoverOnStartup()) {
			runner.recoverAbandoned();
		}
		running = true;
	}

	@Override
	public void stop() {
		running = false;
		runner.refuseLaunches();
		Instant deadline = Instant.now().plus(properties.shutdownTimeout());
		Set<Long> stopRequested = new HashSet<>();
		do {
			// why: asked again on each pass, for a launch that was starting when launches were refused
			for (JobExecution execution : inFlight.running()) {
				if (stopRequested.add(execution.getId())) {
					requestStop(execution);
				}
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		// why: a launch ends after its execution leaves inFlight (Spring Batch's last update, the lease's release);
		// closing the context under it would leave the lease held until its expiry
		while ((!inFlight.isEmpty() || runner.activeLaunches() > 0) && Instant.now().isBefore(deadline));
		if (!inFlight.isEmpty() || runner.activeLaunches() > 0) {
			log.warn("{} job executions still running, {} launches not ended, after {}; once their leases expire, "
					+ "the next launch recovers them", inFlight.running().size(), runner.activeLaunches(),
					properties.shutdownTimeout());
		}
	}

	private void requestStop(JobExecution execution) {
		try {
			log.info("Stopping {} execution {} for shutdown", execution.getJobInstance().getJobName(),
					execution.getId());
			runner.requestStop(execution.getId());
		}
		catch (Exception ex) {
			log.warn("Cannot stop execution {}: {}", execution.getId(), ex.getMessage());
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
