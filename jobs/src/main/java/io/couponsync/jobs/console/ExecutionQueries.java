package io.couponsync.jobs.console;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.EmptyResultDataAccessException;

import io.couponsync.jobs.console.ExecutionViews.ExecutionDetail;
import io.couponsync.jobs.console.ExecutionViews.ExecutionSummary;
import io.couponsync.jobs.console.ExecutionViews.JobSummary;

/** Reads jobs and executions from the job repository (through its explorer methods, never its tables). */
class ExecutionQueries {

	/** Job instances looked at per job when filtering executions; older ones are out of the console's reach. */
	static final int INSTANCES_PER_JOB = 200;

	private final JobRepository repository;

	private final List<String> jobNames;

	ExecutionQueries(JobRepository repository, List<Job> jobs) {
		this.repository = repository;
		this.jobNames = jobs.stream().map(Job::getName).sorted().toList();
	}

	List<String> jobNames() {
		return jobNames;
	}

	List<JobSummary> jobs() {
		return jobNames.stream().map(name -> {
			JobInstance last = repository.getLastJobInstance(name);
			JobExecution execution = last == null ? null : repository.getLastJobExecution(last);
			return new JobSummary(name, execution == null ? null : ExecutionSummary.of(execution));
		}).toList();
	}

	/**
	 * Executions newest first, filtered by job (null: every job), status (null: any) and the day they were created
	 * on or after {@code from} and on or before {@code to} (null: open).
	 */
	List<ExecutionSummary> executions(String job, BatchStatus status, LocalDate from, LocalDate to, int limit) {
		List<ExecutionSummary> found = new ArrayList<>();
		for (String name : job == null ? jobNames : List.of(job)) {
			for (JobInstance instance : repository.findJobInstancesByJobName(name, 0, INSTANCES_PER_JOB)) {
				for (JobExecution execution : repository.getJobExecutions(instance)) {
					if (matches(execution, status, from, to)) {
						found.add(ExecutionSummary.of(execution));
					}
				}
			}
		}
		return found.stream().sorted(Comparator.comparingLong(ExecutionSummary::id).reversed()).limit(limit).toList();
	}

	private static boolean matches(JobExecution execution, BatchStatus status, LocalDate from, LocalDate to) {
		LocalDateTime created = execution.getCreateTime();
		return (status == null || execution.getStatus() == status)
				&& (from == null || created != null && !created.toLocalDate().isBefore(from))
				&& (to == null || created != null && !created.toLocalDate().isAfter(to));
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
