package io.couponsync.jobs.retention;

import java.time.Clock;
import java.util.Collection;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Operators' acknowledgements of failed or stopped executions, in the {@code job_failure_ack} table beside the job
 * repository: the retention job purges such an execution's instance only once it is acknowledged (the console's
 * Acknowledge action calls {@link #acknowledge}).
 */
public class FailureAcknowledgements {

	private final JdbcTemplate jdbc;

	private final JobRepository repository;

	private final Clock clock;

	public FailureAcknowledgements(JdbcTemplate jdbc, JobRepository repository, Clock clock) {
		this.jdbc = jdbc;
		this.repository = repository;
		this.clock = clock;
	}

	/**
	 * Records that {@code operator} has seen why the execution failed or stopped; acknowledging it again changes
	 * nothing.
	 *
	 * @throws IllegalArgumentException when there is no such execution, or it did not fail or stop
	 */
	public void acknowledge(long executionId, String operator) {
		JobExecution execution;
		try {
			execution = repository.getJobExecution(executionId);
		}
		catch (EmptyResultDataAccessException ex) {
			// why: Spring Batch 6's JDBC repository throws for an unknown id rather than return null
			execution = null;
		}
		if (execution == null) {
			throw new IllegalArgumentException("no job execution " + executionId);
		}
		if (!needsAcknowledgement(execution.getStatus())) {
			throw new IllegalArgumentException("job execution " + executionId + " is " + execution.getStatus()
					+ ", not FAILED, STOPPED or UNKNOWN");
		}
		jdbc.update("insert into job_failure_ack (job_execution_id, acknowledged_by, acknowledged_at) select ?, ?, ? "
				+ "where not exists (select 1 from job_failure_ack where job_execution_id = ?)", executionId, operator,
				clock.millis(), executionId);
	}

	public boolean isAcknowledged(long executionId) {
		Integer count = jdbc.queryForObject("select count(*) from job_failure_ack where job_execution_id = ?",
				Integer.class, executionId);
		return count != null && count > 0;
	}

	void forget(Collection<Long> executionIds) {
		for (Long id : executionIds) {
			jdbc.update("delete from job_failure_ack where job_execution_id = ?", id);
		}
	}

	static boolean needsAcknowledgement(BatchStatus status) {
		return status == BatchStatus.FAILED || status == BatchStatus.STOPPED || status == BatchStatus.UNKNOWN;
	}
}
