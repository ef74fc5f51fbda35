package io.couponsync.jobs.console;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.jobs.console.ExecutionViews.ExecutionDetail;
import io.couponsync.jobs.console.ExecutionViews.ExecutionSummary;
import io.couponsync.jobs.console.ExecutionViews.JobSummary;

/**
 * Reads jobs and executions from the job repository. One execution and each job's last go through the repository's
 * explorer methods; the filtered list is one read-only query on its tables (Spring Batch 6's schema, default
 * {@code BATCH_} prefix, H2 and PostgreSQL alike), because the explorer methods can only walk instances one by one,
 * which reaches a few minutes of history of a job that runs every second.
 */
class ExecutionQueries {

	private static final String EXECUTIONS = "select e.job_execution_id, i.job_name, e.job_instance_id, e.status, "
			+ "e.exit_code, e.start_time, e.end_time from batch_job_execution e "
			+ "join batch_job_instance i on i.job_instance_id = e.job_instance_id";

	private final JobRepository repository;

	private final JdbcTemplate jdbc;

	private final List<String> jobNames;

	/** @param jdbc on the job repository's database */
	ExecutionQueries(JobRepository repository, JdbcTemplate jdbc, List<String> jobNames) {
		this.repository = repository;
		this.jdbc = jdbc;
		this.jobNames = jobNames.stream().sorted().toList();
	}

	List<String> jobNames() {
		return jobNames;
	}

	/** Every job with its last execution and who launches it on schedule, from the configured schedules. */
	List<JobSummary> jobs(List<ScheduleView> schedules) {
		Map<String, List<ScheduleView>> byJob = schedules.stream().collect(Collectors.groupingBy(ScheduleView::job));
		return jobNames.stream().map(name -> {
			JobInstance last = repository.getLastJobInstance(name);
			JobExecution execution = last == null ? null : repository.getLastJobExecution(last);
			return JobSummary.of(name, execution == null ? null : ExecutionSummary.of(execution),
					byJob.getOrDefault(name, List.of()));
		}).toList();
	}

	/** A page of executions. */
	record ExecutionPage(List<ExecutionSummary> executions, int page, int size, boolean hasOlder) {
	}

	/** The {@code page}-th (from 0) page of {@code size} executions matching the filter, newest first. */
	ExecutionPage executions(ExecutionFilter filter, int page, int size) {
		StringBuilder sql = new StringBuilder(EXECUTIONS).append(" where 1 = 1");
		List<Object> arguments = new ArrayList<>();
		if (filter.job() != null) {
			sql.append(" and i.job_name = ?");
			arguments.add(filter.job());
		}
		if (filter.status() != null) {
			sql.append(" and e.status = ?");
			arguments.add(filter.status().name());
		}
		// why: Spring Batch writes and reads these columns as java.sql.Timestamp, so the bounds are given the same way
		if (filter.from() != null) {
			sql.append(" and e.create_time >= ?");
			arguments.add(Timestamp.valueOf(filter.from().atStartOfDay()));
		}
		if (filter.to() != null) {
			sql.append(" and e.create_time < ?");
			arguments.add(Timestamp.valueOf(filter.to().plusDays(1).atStartOfDay()));
		}
		// why: one row more than the page, to know whether an older page exists without counting every match
		sql.append(" order by e.job_execution_id desc limit ? offset ?");
		arguments.add(size + 1);
		arguments.add((long) page * size);
		List<ExecutionSummary> found = jdbc.query(sql.toString(), (row, index) -> summary(row), arguments.toArray());
		boolean hasOlder = found.size() > size;
		return new ExecutionPage(hasOlder ? found.subList(0, size) : found, page, size, hasOlder);
	}

	private static ExecutionSummary summary(ResultSet row) throws SQLException {
		return ExecutionSummary.of(row.getLong("job_execution_id"), row.getString("job_name"),
				row.getLong("job_instance_id"), BatchStatus.valueOf(row.getString("status")), row.getString("exit_code"),
				time(row.getTimestamp("start_time")), time(row.getTimestamp("end_time")));
	}

	private static LocalDateTime time(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toLocalDateTime();
	}

	/** One execution with its steps; null when there is none with that id. */
	ExecutionDetail execution(long id) {
		JobExecution execution = find(repository, id);
		return execution == null ? null : ExecutionDetail.of(execution);
	}

	/** The execution with that id, or null (the JDBC repository throws for an unknown id rather than answer null). */
	static JobExecution find(JobRepository repository, long id) {
		try {
			return repository.getJobExecution(id);
		}
		catch (EmptyResultDataAccessException ex) {
			return null;
		}
	}
}
