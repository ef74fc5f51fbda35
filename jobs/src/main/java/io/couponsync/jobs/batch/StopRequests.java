package io.couponsync.jobs.batch;

import java.sql.Timestamp;
import java.time.LocalDateTime;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records a stop request on a running execution's row of the job repository, as one conditional update: STARTING or
 * STARTED becomes STOPPING, with a new version, which the running steps read at their next chunk boundary (Spring
 * Batch's step update) and the job's thread then records STOPPED. why: read-then-write through the repository API
 * could land just after the job's last update and write STOPPING over its COMPLETED; this update changes only a
 * row that is still running.
 */
public class StopRequests {

	private final JdbcTemplate jdbc;

	public StopRequests(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Whether the execution was running and is now STOPPING. */
	public boolean request(long executionId) {
		return jdbc.update("update BATCH_JOB_EXECUTION set STATUS = 'STOPPING', VERSION = VERSION + 1, "
				+ "LAST_UPDATED = ? where JOB_EXECUTION_ID = ? and STATUS in ('STARTING', 'STARTED')",
				Timestamp.valueOf(LocalDateTime.now()), executionId) == 1;
	}
}
