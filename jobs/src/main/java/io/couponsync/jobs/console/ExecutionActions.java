package io.couponsync.jobs.console;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.http.HttpStatus;

import io.couponsync.jobs.batch.JobLaunch;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.retention.FailureAcknowledgements;

/**
 * The console's actions on executions: restarts and launches through {@link JobRunner}, the one launching service,
 * which holds the job's lease while its execution runs; stop and abandon through {@link JobOperator}. Only a job's last
 * execution is restarted (the launcher restarts that one). Recovery of executions left STARTED by a dead process
 * also goes through {@link JobRunner}; acknowledgements of failures through {@link FailureAcknowledgements}. Restarts and launches run to their end, so they run in the background and the request
 * answers at once; the new execution shows in the job's list.
 */
class ExecutionActions {

	private static final Logger log = LoggerFactory.getLogger(ExecutionActions.class);

	private static final Set<String> ACKNOWLEDGEABLE = Set.of(BatchStatus.FAILED.name(),
			BatchStatus.STOPPED.name(), BatchStatus.UNKNOWN.name());

	private final JobOperator operator;

	private final JobRepository repository;

	private final JobRunner runner;

	private final Map<String, Job> jobs;

	private final FailureAcknowledgements acknowledgements;

	private final TaskExecutor background = new SimpleAsyncTaskExecutor("console-action-");

	ExecutionActions(JobOperator operator, JobRepository repository, JobRunner runner, List<Job> jobs,
			FailureAcknowledgements acknowledgements) {
		this.operator = operator;
		this.repository = repository;
		this.runner = runner;
		this.jobs = jobs.stream().collect(java.util.stream.Collectors.toMap(Job::getName, job -> job));
		this.acknowledgements = acknowledgements;
	}

	ActionResult restart(long executionId) {
		JobExecution execution = existing(executionId);
		if (execution.getStatus() != BatchStatus.FAILED && execution.getStatus() != BatchStatus.STOPPED) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId + " is "
					+ execution.getStatus() + "; only a FAILED or STOPPED execution can be restarted");
		}
		String job = execution.getJobInstance().getJobName();
		JobInstance lastInstance = repository.getLastJobInstance(job);
		JobExecution latest = lastInstance == null ? null : repository.getLastJobExecution(lastInstance);
		if (latest != null && latest.getId() != executionId) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId
					+ " is not " + job + "'s last execution (that is " + latest.getId() + ", " + latest.getStatus()
					+ "); only the last one is restarted, under the job's lease");
		}
		background.execute(() -> {
			try {
				JobLaunch restarted = runner.restart(job);
				log.info("Console restart of {} execution {}: {}", job, executionId, restarted.outcome());
			}
			catch (Exception ex) {
				log.warn("Console restart of {} execution {} failed: {}", job, executionId, ex.getMessage());
			}
		});
		return new ActionResult("Restart of " + job + " execution " + executionId
				+ " requested; it continues from its last committed chunk as a new execution of the same instance",
				null);
	}

	ActionResult stop(long executionId) {
		JobExecution execution = existing(executionId);
		if (!execution.isRunning()) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId + " cannot be stopped: it is "
					+ execution.getStatus() + ", not running");
		}
		try {
			operator.stop(execution);
		}
		catch (Exception ex) {
			throw new ConsoleActionException(HttpStatus.CONFLICT,
					"execution " + executionId + " cannot be stopped: " + ex.getMessage());
		}
		return new ActionResult("Stop of execution " + executionId
				+ " requested; it stops at its next chunk boundary and can be restarted", executionId);
	}

	ActionResult abandon(long executionId) {
		JobExecution execution = existing(executionId);
		try {
			operator.abandon(execution);
		}
		catch (Exception ex) {
			throw new ConsoleActionException(HttpStatus.CONFLICT,
					"execution " + executionId + " cannot be abandoned: " + ex.getMessage());
		}
		return new ActionResult("Execution " + executionId + " abandoned; it will not be restarted", executionId);
	}

	/** Marks FAILED the executions left STARTED whose job's lease expired (their process died); lists them. */
	ActionResult recover() {
		List<JobExecution> recovered = runner.recoverAbandoned();
		if (recovered.isEmpty()) {
			return new ActionResult("Nothing to recover: no execution is left STARTED under an expired lease", null);
		}
		return new ActionResult("Recovered " + recovered.size() + " execution(s), now FAILED and restartable: "
				+ recovered.stream().map(execution -> execution.getJobInstance().getJobName() + " " + execution.getId())
					.toList(), null);
	}

	/** Whether the execution failed or stopped and no operator has acknowledged it yet. */
	boolean awaitsAcknowledgement(ExecutionViews.ExecutionSummary execution) {
		return ACKNOWLEDGEABLE.contains(execution.status()) && !acknowledgements.isAcknowledged(execution.id());
	}

	ActionResult acknowledge(long executionId, String operatorName) {
		existing(executionId);
		try {
			acknowledgements.acknowledge(executionId, operatorName);
		}
		catch (IllegalArgumentException ex) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, ex.getMessage());
		}
		return new ActionResult("Execution " + executionId + " acknowledged by " + operatorName
				+ "; retention may now purge its instance", executionId);
	}

	ActionResult launch(String jobName, Map<String, String> values) {
		Job job = jobs.get(jobName);
		if (job == null) {
			throw new ConsoleActionException(HttpStatus.NOT_FOUND,
					"no job named '" + jobName + "'; jobs: " + jobs.keySet().stream().sorted().toList());
		}
		JobParameters parameters = LaunchParameters.of(values);
		try {
			// why: checked here, so a wrong name or kind is refused at once rather than failing in the background
			job.getJobParametersValidator().validate(parameters);
		}
		catch (InvalidJobParametersException ex) {
			throw new ConsoleActionException(HttpStatus.BAD_REQUEST, "invalid parameters: " + ex.getMessage());
		}
		if (!repository.findRunningJobExecutions(jobName).isEmpty()) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, jobName + " is already running");
		}
		background.execute(() -> {
			try {
				JobExecution execution = runner.run(job, parameters);
				if (execution != null) {
					log.info("Console launch of {} ended {} (execution {})", jobName, execution.getStatus(),
							execution.getId());
				}
			}
			catch (Exception ex) {
				log.warn("Console launch of {} failed: {}", jobName, ex.getMessage());
			}
		});
		return new ActionResult("Launch of " + jobName + " requested (a failed or stopped last execution is "
				+ "restarted instead of starting a new instance)", null);
	}

	private JobExecution existing(long executionId) {
		JobExecution execution = ExecutionQueries.find(repository, executionId);
		if (execution == null) {
			throw new ConsoleActionException(HttpStatus.NOT_FOUND, "no execution " + executionId);
		}
		return execution;
	}
}
