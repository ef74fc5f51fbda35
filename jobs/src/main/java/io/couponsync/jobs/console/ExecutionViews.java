package io.couponsync.jobs.console;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.couponsync.jobs.batch.FailureCause;

/** What the console shows of jobs and their executions, as JSON and on the pages alike. */
final class ExecutionViews {

	private ExecutionViews() {
	}

	/** Who launches a job on schedule, after {@code sync.jobs.schedule.triggers}. */
	enum Owner {
		/** Quartz, in the jobs application. */
		QUARTZ,
		/** A Kubernetes CronJob running the run command. */
		CRONJOB,
		/** Some of its schedules Quartz, others a CronJob. */
		QUARTZ_AND_CRONJOB,
		/** No schedule: only an operator or a script launches it. */
		NONE
	}

	/**
	 * A job with its last execution (null before its first), who launches it on schedule, and the next time Quartz
	 * fires one of its triggers (null where Quartz does not run in this process or holds no trigger of the job).
	 */
	record JobSummary(String name, ExecutionSummary lastExecution, Owner owner, Instant nextFireTime) {

		static JobSummary of(String name, ExecutionSummary lastExecution, List<ScheduleView> schedules) {
			Set<String> owners = schedules.stream().map(schedule -> schedule.owner().toUpperCase())
				.collect(Collectors.toSet());
			Owner owner = owners.isEmpty() ? Owner.NONE
					: owners.size() > 1 ? Owner.QUARTZ_AND_CRONJOB : Owner.valueOf(owners.iterator().next());
			Instant next = schedules.stream().map(ScheduleView::nextFireTime).filter(Objects::nonNull)
				.min(Comparator.naturalOrder()).orElse(null);
			return new JobSummary(name, lastExecution, owner, next);
		}
	}

	/** One execution, as a list row. */
	record ExecutionSummary(long id, String jobName, long instanceId, String status, String exitCode,
			LocalDateTime startTime, LocalDateTime endTime, Long durationMillis, boolean restartable, boolean stoppable,
			boolean abandonable) {

		static ExecutionSummary of(JobExecution execution) {
			return of(execution.getId(), execution.getJobInstance().getJobName(),
					execution.getJobInstance().getInstanceId(), execution.getStatus(),
					execution.getExitStatus().getExitCode(), execution.getStartTime(), execution.getEndTime());
		}

		static ExecutionSummary of(long id, String jobName, long instanceId, BatchStatus status, String exitCode,
				LocalDateTime startTime, LocalDateTime endTime) {
			boolean ended = status == BatchStatus.FAILED || status == BatchStatus.STOPPED;
			return new ExecutionSummary(id, jobName, instanceId, status.name(), exitCode, startTime, endTime,
					millisBetween(startTime, endTime), ended, status.isRunning(), ended);
		}

		/** The duration in words, for the pages. */
		public String duration() {
			return durationMillis == null ? "" : Duration.ofMillis(durationMillis).toString().substring(2).toLowerCase();
		}
	}

	/** One execution with everything the repository knows of it. */
	record ExecutionDetail(ExecutionSummary summary, String reason, Map<String, String> parameters,
			String exitDescription, List<String> failures, Map<String, String> executionContext,
			List<StepDetail> steps) {

		static ExecutionDetail of(JobExecution execution) {
			Map<String, String> parameters = new LinkedHashMap<>();
			execution.getJobParameters().parameters().forEach(parameter -> parameters.put(parameter.name(),
					String.valueOf(parameter.value()) + (parameter.identifying() ? "" : " (non-identifying)")));
			ExecutionSummary summary = ExecutionSummary.of(execution);
			List<StepDetail> steps = execution.getStepExecutions().stream().map(StepDetail::of).toList();
			String exitDescription = execution.getExitStatus().getExitDescription();
			return new ExecutionDetail(summary, reason(summary, steps, exitDescription), parameters, exitDescription,
					execution.getAllFailureExceptions().stream().map(ExecutionViews::describe).toList(),
					context(execution.getExecutionContext()), steps);
		}

		/**
		 * Why the execution did not complete (empty while it runs), in one line: the root cause a failing step recorded
		 * ({@link FailureCause}), else the first step exit description that says it in words, else the first line of
		 * the stack trace Spring Batch keeps as the exit description (cut at 2,500 characters, so its causes are
		 * often lost).
		 */
		private static String reason(ExecutionSummary summary, List<StepDetail> steps, String exitDescription) {
			if (summary.status().equals("COMPLETED") || summary.stoppable()) {
				return "";
			}
			for (StepDetail step : steps) {
				String cause = step.executionContext().get(FailureCause.KEY);
				if (cause != null) {
					return step.name() + ": " + cause;
				}
			}
			for (StepDetail step : steps) {
				if (step.exitDescription() != null && !step.exitDescription().isBlank()
						&& !step.exitDescription().contains("\tat ")) {
					return step.name() + ": " + step.exitDescription().strip();
				}
			}
			for (StepDetail step : steps) {
				if (step.exitDescription() != null && !step.exitDescription().isBlank()) {
					return step.name() + ": " + fromStackTrace(step.exitDescription());
				}
			}
			// why: an execution left running by a dead process (then recovered) has an empty exit description
			return exitDescription == null || exitDescription.isBlank() ? "" : fromStackTrace(exitDescription);
		}

		private static String fromStackTrace(String trace) {
			List<String> lines = trace.strip().lines().toList();
			String rootCause = null;
			for (String line : lines) {
				if (line.startsWith("Caused by: ")) {
					rootCause = line.substring("Caused by: ".length());
				}
			}
			return rootCause == null ? lines.get(0) : rootCause + " (in " + lines.get(0) + ")";
		}
	}

	/** One step execution with its counters. */
	record StepDetail(long id, String name, String status, String exitCode, String exitDescription, long readCount,
			long writeCount, long filterCount, long skipCount, long readSkipCount, long processSkipCount,
			long writeSkipCount, long commitCount, long rollbackCount, LocalDateTime startTime, LocalDateTime endTime,
			Long durationMillis, Map<String, String> executionContext) {

		static StepDetail of(StepExecution step) {
			return new StepDetail(step.getId(), step.getStepName(), step.getStatus().name(),
					step.getExitStatus().getExitCode(), step.getExitStatus().getExitDescription(), step.getReadCount(),
					step.getWriteCount(), step.getFilterCount(), step.getSkipCount(), step.getReadSkipCount(),
					step.getProcessSkipCount(), step.getWriteSkipCount(), step.getCommitCount(),
					step.getRollbackCount(), step.getStartTime(), step.getEndTime(),
					millisBetween(step.getStartTime(), step.getEndTime()), context(step.getExecutionContext()));
		}
	}

	private static Long millisBetween(LocalDateTime start, LocalDateTime end) {
		return start == null || end == null ? null : Duration.between(start, end).toMillis();
	}

	private static Map<String, String> context(ExecutionContext context) {
		Map<String, String> entries = new LinkedHashMap<>();
		context.entrySet().stream().sorted(Map.Entry.comparingByKey())
			.forEach(entry -> entries.put(entry.getKey(), String.valueOf(entry.getValue())));
		return entries;
	}

	private static String describe(Throwable failure) {
		StringBuilder text = new StringBuilder(failure.getClass().getSimpleName() + ": " + failure.getMessage());
		for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
			text.append(" — caused by ").append(cause.getClass().getSimpleName()).append(": ")
				.append(cause.getMessage());
		}
		return text.toString();
	}
}
