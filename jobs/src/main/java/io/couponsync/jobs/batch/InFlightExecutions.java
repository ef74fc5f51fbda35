package io.couponsync.jobs.batch;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * The job executions running in this process, from their start to their end. Shutdown and lease loss act on these
 * rather than on the repository, which lists the executions of every process sharing it.
 */
public final class InFlightExecutions implements JobExecutionListener {

	private final Map<Long, JobExecution> running = new ConcurrentHashMap<>();

	@Override
	public void beforeJob(JobExecution execution) {
		running.put(execution.getId(), execution);
	}

	@Override
	public void afterJob(JobExecution execution) {
		running.remove(execution.getId());
	}

	public boolean contains(long executionId) {
		return running.containsKey(executionId);
	}

	public Collection<JobExecution> running() {
		return running.values();
	}

	public boolean isEmpty() {
		return running.isEmpty();
	}
}
