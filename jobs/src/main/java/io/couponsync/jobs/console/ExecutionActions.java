package io.couponsync.jobs.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

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
import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.Lease;
import io.couponsync.jobs.retention.FailureAcknowledgements;

/**
 * The console's actions on executions: restarts and launches through {@link JobRunner}, the one launching service,
 * which holds the job's lease while its execution runs, and stop requests ({@link JobRunner#requestStop}); abandon
 * through {@link JobOperator}. Only a job's last execution is restarted (the launcher restarts that one). Recovery of
 * executions left STARTED or STOPPING by a dead process
 * also goes through {@link JobRunner}; acknowledgements of failures through {@link FailureAcknowledgements}.
 * A launch with parameters starts a new instance; without, it does what the schedule does (restarts a failed or
 * stopped last execution, else starts a new instance). Restarts and launches run to their end, so they run in the
 * background; the request answers once the execution has started (naming it) or the launch was refused.
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

	/** How long an action waits for the execution its launch starts, to name it in the answer. */
	private static final Duration NAMING_WAIT = Duration.ofSeconds(3);

	/** Who holds a job's lease while the console abandons one of its executions. */
	static final String ABANDON = "console-abandon";

	private final TaskExecutor background = new SimpleAsyncTaskExecutor("console-action-");

	ExecutionActions(JobOperator operator, JobRepository repository, JobRunner runner, List<Job> jobs,
			FailureAcknowledgements acknowledgements) {
		this.operator = operator;
		this.repository = repository;
		this.runner = runner;
		this.jobs = jobs.stream().collect(Collectors.toMap(Job::getName, job -> job));
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
		return inBackground(job, "Restart of " + job + " execution " + executionId,
				"it continues from its last committed chunk as a new execution of the same instance",
				leaseTaken -> runner.restart(job, leaseTaken));
	}

	ActionResult stop(long executionId) {
		JobExecution execution = existing(executionId);
		if (!execution.isRunning()) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId + " cannot be stopped: it is "
					+ execution.getStatus() + ", not running");
		}
		try {
			runner.requestStop(executionId);
		}
		catch (Exception ex) {
			throw new ConsoleActionException(HttpStatus.CONFLICT,
					"execution " + executionId + " cannot be stopped: " + ex.getMessage());
		}
		return new ActionResult("Stop of execution " + executionId + " requested; it is STOPPING until its current "
				+ "chunk ends, then STOPPED, and can be restarted", executionId);
	}

	ActionResult abandon(long executionId) {
		String job = abandonable(existing(executionId)).getJobInstance().getJobName();
		// why: under the job's lease, so that no launch (a schedule, a CronJob, another console) restarts the
		// execution between the check and the abandon, to run on while the console says it never will
		JobRunner.LeasedAction<ActionResult> done = runner.underLease(JobLeases.leaseOf(job), ABANDON, () -> {
			JobExecution execution = abandonable(existing(executionId));
			try {
				operator.abandon(execution);
			}
			catch (Exception ex) {
				throw new ConsoleActionException(HttpStatus.CONFLICT,
						"execution " + executionId + " cannot be abandoned: " + ex.getMessage());
			}
			return new ActionResult("Execution " + executionId + " abandoned; it will not be restarted", executionId);
		});
		if (!done.ran()) {
			String holder = done.heldBy() == null ? "another launch"
					: done.heldBy().jobName() + " (" + done.heldBy().owner() + ")";
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId + " not abandoned: "
					+ holder + " held " + job + "'s lease; try again once it has ended");
		}
		return done.result();
	}

	/** The execution, when it is one that may be abandoned. */
	private static JobExecution abandonable(JobExecution execution) {
		// why: Spring Batch abandons a STOPPING (or STARTED) one too; one still running in another process would then
		// carry on to its end, its stop request overwritten, while shown as abandoned
		if (execution.getStatus() != BatchStatus.FAILED && execution.getStatus() != BatchStatus.STOPPED) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + execution.getId() + " is "
					+ execution.getStatus() + ": only a FAILED or STOPPED execution can be abandoned"
					+ (execution.isRunning() ? " (stop it and wait until it is STOPPED)" : ""));
		}
		return execution;
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

	/** Whether the execution was left running by a launch whose lease expired, so {@link #recover(long)} takes it. */
	boolean recoverable(long executionId) {
		JobExecution execution = ExecutionQueries.find(repository, executionId);
		return execution != null && runner.recoverable(execution);
	}

	/**
	 * Marks FAILED one execution left running by a process that died, once its job's lease expired; refused while a
	 * live launch holds that lease, which may be running it.
	 */
	ActionResult recover(long executionId) {
		JobExecution execution = existing(executionId);
		String job = execution.getJobInstance().getJobName();
		if (!execution.isRunning()) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId + " is "
					+ execution.getStatus() + ", not left running; only a STARTED or STOPPING execution whose lease "
					+ "expired is recovered");
		}
		if (runner.recover(executionId).isPresent()) {
			return new ActionResult("Recovered " + job + " execution " + executionId
					+ ": its lease had expired; it is now FAILED and can be restarted", executionId);
		}
		Lease holder = runner.liveLease(job).orElse(null);
		throw new ConsoleActionException(HttpStatus.CONFLICT, "execution " + executionId + " not recovered: "
				+ (holder == null ? "it is running in this process or ended meanwhile"
						: "lease " + holder.name() + " is held by a live launch (" + holder.jobName() + " in "
								+ holder.owner() + ", until " + holder.expiresAt() + " unless renewed)")
				+ "; it may still be running. Stop it, or recover it once its lease has expired");
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
		// why: as the run command does; explicit parameters describe a new unit of work, which a restart of the last
		// failed execution (with its own parameters) would silently ignore
		if (values.isEmpty()) {
			return inBackground(jobName, "Launch of " + jobName,
					"without parameters, a failed or stopped last execution that ran without any is restarted, as the "
							+ "schedule does",
					leaseTaken -> runner.launch(jobName, parameters, leaseTaken));
		}
		return inBackground(jobName, "Launch of " + jobName, "a new instance with the parameters given",
				leaseTaken -> runner.start(jobName, parameters, leaseTaken));
	}

	/** A launch through the job runner, which returns once its execution has ended. */
	@FunctionalInterface
	private interface Launch {

		/** @param onLeaseTaken to run once the launch holds the job's lease, before its execution starts */
		JobLaunch run(Runnable onLeaseTaken) throws Exception;
	}

	/**
	 * Runs the launch in the background and waits a moment for its execution to appear, so that the answer names it
	 * — or says at once why none started (another launch holds the lease, nothing to restart, a failure to launch).
	 * A launch still waiting its turn for a lease another job of its group holds says so, naming the holder; one that
	 * takes longer to start is reported as requested; its execution appears in the job's list.
	 */
	private ActionResult inBackground(String jobName, String action, String note, Launch launch) {
		// why: set once this launch holds the job's lease; an execution of the job newer than that is its own, not
		// one a CronJob or another pod started while it waited
		AtomicLong lastBefore = new AtomicLong(-1);
		CompletableFuture<JobLaunch> launched = new CompletableFuture<>();
		background.execute(() -> {
			try {
				JobLaunch result = launch.run(() -> lastBefore.set(lastExecutionId(jobName)));
				log.info("{} from the console: {}{}", action, result.outcome(),
						result.execution() == null ? "" : " (execution " + result.execution().getId() + ", "
								+ result.execution().getStatus() + ")");
				launched.complete(result);
			}
			catch (Exception ex) {
				log.warn("{} from the console failed: {}", action, ex.getMessage());
				launched.completeExceptionally(ex);
			}
		});
		long deadline = System.nanoTime() + NAMING_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			if (launched.isDone()) {
				return ended(action, launched);
			}
			long before = lastBefore.get();
			long started = before < 0 ? -1 : lastExecutionId(jobName);
			if (started > before) {
				return new ActionResult(action + " started execution " + started + "; " + note, started);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		if (lastBefore.get() < 0) {
			String holder = runner.leaseHolder(jobName).map(lease -> lease.jobName() + " (" + lease.owner() + ")")
				.orElse("another job");
			return new ActionResult(action + " waits its turn: " + holder + " holds the lease it shares; it starts "
					+ "once that ends, or after " + runner.turnWait().toSeconds() + " s (sync.jobs.lease.turn-wait) "
					+ "gives up and starts nothing; " + note, null);
		}
		return new ActionResult(action + " requested; " + note + "; its execution appears in the job's list", null);
	}

	private static ActionResult ended(String action, CompletableFuture<JobLaunch> launched) {
		JobLaunch result;
		try {
			result = launched.join();
		}
		catch (CompletionException ex) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, action + " failed: " + ex.getCause().getMessage());
		}
		return switch (result.outcome()) {
			case RAN -> new ActionResult(action + " ran execution " + result.execution().getId() + ", which ended "
					+ result.execution().getStatus(), result.execution().getId());
			case LEASE_HELD -> throw new ConsoleActionException(HttpStatus.CONFLICT, action + " refused: "
					+ "another launch holds the job's lease" + (result.holder() == null ? ""
							: " (" + result.holder().owner() + ")"));
			case NOTHING_TO_RESTART -> throw new ConsoleActionException(HttpStatus.CONFLICT,
					action + " refused: the job's last execution did not fail or stop");
			case SHUTTING_DOWN -> throw new ConsoleActionException(HttpStatus.SERVICE_UNAVAILABLE,
					action + " refused: the application is shutting down");
		};
	}

	/** The id of the job's newest execution, 0 when it has none. */
	private long lastExecutionId(String jobName) {
		JobInstance instance = repository.getLastJobInstance(jobName);
		JobExecution last = instance == null ? null : repository.getLastJobExecution(instance);
		return last == null ? 0 : last.getId();
	}

	private JobExecution existing(long executionId) {
		JobExecution execution = ExecutionQueries.find(repository, executionId);
		if (execution == null) {
			throw new ConsoleActionException(HttpStatus.NOT_FOUND, "no execution " + executionId);
		}
		return execution;
	}
}
