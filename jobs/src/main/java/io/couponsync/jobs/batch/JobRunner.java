package io.couponsync.jobs.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.NoSuchJobException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * The one way jobs are launched — by Quartz, the run command or the admin UI — so that at most one execution of a
 * job (or of a group of jobs writing the same documents, see {@link JobLeases}) runs at a time across every process
 * sharing the job repository. Each launch takes the job's lease, renews it on a heartbeat while the execution runs
 * (in the caller's thread, to its end) and releases it at the end. Holding the lease proves that no other live
 * launch runs the group's jobs, so executions of them left STARTED are recovered (marked FAILED) there and then;
 * an execution whose process still renews its lease is never touched. A launch that cannot renew its lease, or finds
 * it taken over, stops its execution at the next chunk boundary (logged at ERROR, counted as
 * {@code sync.job.lease.lost{job,reason}}): past its expiry another process may run the job beside it.
 */
public class JobRunner implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

	/** The parameter that makes each launch a new instance (the jobs have no incrementer). */
	private static final String RUN_ID = "run.id";

	private static final Runnable NO_HOOK = () -> {
	};

	private final JobOperator operator;

	private final JobRepository repository;

	private final ExecutionsOfWork executionsOfWork;

	private final StopRequests stopRequests;

	private final Map<String, Job> jobs;

	private final LeaseStore leases;

	private final InFlightExecutions inFlight;

	private final Duration heartbeat;

	private final Duration recoveryWait;

	private final Duration turnWait;

	private final Duration sameJobWait;

	private final MeterRegistry registry;

	private volatile boolean shuttingDown;

	private final AtomicInteger launches = new AtomicInteger();

	private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
		Thread thread = new Thread(task, "job-lease-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	public JobRunner(JobOperator operator, JobRepository repository, ExecutionsOfWork executionsOfWork,
			StopRequests stopRequests, List<Job> jobs, LeaseStore leases, InFlightExecutions inFlight,
			JobsProperties.LeaseSettings settings, MeterRegistry registry) {
		this.operator = operator;
		this.repository = repository;
		this.executionsOfWork = executionsOfWork;
		this.stopRequests = stopRequests;
		this.jobs = jobs.stream().collect(Collectors.toMap(Job::getName, Function.identity()));
		this.leases = leases;
		this.inFlight = inFlight;
		this.heartbeat = settings.heartbeat();
		this.recoveryWait = settings.recoveryWait();
		this.turnWait = settings.turnWait();
		this.sameJobWait = settings.sameJobWait();
		this.registry = registry;
	}

	/** The names of the jobs it launches. */
	public Set<String> jobNames() {
		return new TreeSet<>(jobs.keySet());
	}

	/**
	 * As the schedule launches: restarts the job's last execution if it failed or stopped and ran with these
	 * parameters (continuing from its last committed chunk), else starts a new instance with {@code parameters}.
	 * why: one job has triggers with different parameters (reconcileJob every few seconds, and with mode=full every
	 * few hours); a failed run of one restarted by the other's trigger would stand in for that trigger's work at
	 * every fire.
	 */
	public JobLaunch launch(String jobName, JobParameters parameters) throws JobExecutionException {
		return launch(jobName, parameters, NO_HOOK);
	}

	/** {@link #launch(String, JobParameters)}, running {@code onLeaseTaken} once the job's lease is held. */
	public JobLaunch launch(String jobName, JobParameters parameters, Runnable onLeaseTaken)
			throws JobExecutionException {
		Job job = job(jobName);
		validate(job, parameters);
		return underLease(job, onLeaseTaken, () -> {
			JobExecution last = lastExecution(jobName);
			if (last != null && !sameWork(last.getJobParameters(), parameters) && !work(parameters).isEmpty()) {
				// why: another trigger's work (other parameters) may have run since this work last did
				Long ofWork = executionsOfWork.newest(jobName, work(parameters));
				last = ofWork == null ? null : repository.getJobExecution(ofWork);
			}
			if (last != null && restartable(last) && sameWork(last.getJobParameters(), parameters)) {
				log.info("Restarting {} execution {} ({})", jobName, last.getId(), last.getStatus());
				return JobLaunch.ran(operator.restart(last));
			}
			return JobLaunch.ran(operator.start(job, newInstance(parameters)));
		});
	}

	/** Starts a new instance of the job with {@code parameters}, whatever became of its last execution. */
	public JobLaunch start(String jobName, JobParameters parameters) throws JobExecutionException {
		return start(jobName, parameters, NO_HOOK);
	}

	/** {@link #start(String, JobParameters)}, running {@code onLeaseTaken} once the job's lease is held. */
	public JobLaunch start(String jobName, JobParameters parameters, Runnable onLeaseTaken)
			throws JobExecutionException {
		Job job = job(jobName);
		validate(job, parameters);
		return underLease(job, onLeaseTaken, () -> JobLaunch.ran(operator.start(job, newInstance(parameters))));
	}

	/** Restarts the job's last execution if it failed or stopped; {@link JobLaunch.Outcome#NOTHING_TO_RESTART} if not. */
	public JobLaunch restart(String jobName) throws JobExecutionException {
		return restart(jobName, NO_HOOK);
	}

	/** {@link #restart(String)}, running {@code onLeaseTaken} once the job's lease is held. */
	public JobLaunch restart(String jobName, Runnable onLeaseTaken) throws JobExecutionException {
		Job job = job(jobName);
		return underLease(job, onLeaseTaken, () -> {
			JobExecution last = lastExecution(jobName);
			return last != null && restartable(last) ? JobLaunch.ran(operator.restart(last))
					: JobLaunch.nothingToRestart();
		});
	}

	/** {@link #launch} for callers holding the job itself; null when another launch holds its lease. */
	public JobExecution run(Job job, JobParameters parameters) throws JobExecutionException {
		return launch(job.getName(), parameters).execution();
	}

	/**
	 * Recovers the executions left STARTED by launches whose lease expired (a process killed mid-job), lease by
	 * lease; a lease held live is left alone, and so are the executions under it. A lease with no such execution is
	 * not taken at all, and one that is is held only for the few statements that mark them FAILED, during which a
	 * launch waits for it (up to {@code sync.jobs.lease.recovery-wait}) rather than fail.
	 */
	public List<JobExecution> recoverAbandoned() {
		return jobs.keySet().stream().map(JobLeases::leaseOf).distinct().flatMap(lease -> {
			if (staleUnder(lease).isEmpty()) {
				return Stream.empty();
			}
			Optional<Lease> held = leases.tryAcquire(lease, LeaseStore.RECOVERY);
			if (held.isEmpty()) {
				log.info("Not recovering executions under lease {}: {} holds it", lease,
						leases.find(lease).map(Lease::owner).orElse("another launch"));
				return Stream.empty();
			}
			try {
				return recoverUnder(lease).stream();
			}
			finally {
				release(held.get());
			}
		}).toList();
	}

	/**
	 * Whether {@link #recover(long)} would recover the execution now: it is left running (STARTING, STARTED or
	 * STOPPING), it does not run in this process, and no live launch holds its job's lease.
	 */
	public boolean recoverable(JobExecution execution) {
		return execution.isRunning() && !inFlight.contains(execution.getId())
				&& liveLease(execution.getJobInstance().getJobName()).isEmpty();
	}

	/** The job's lease while a live launch (of this job or another sharing the lease) holds it. */
	public Optional<Lease> liveLease(String jobName) {
		return leases.live(JobLeases.leaseOf(jobName));
	}

	/**
	 * Recovers one execution left running by a launch whose lease expired (a process killed mid-job), as
	 * {@link #recoverAbandoned()} does for all of them: marks it FAILED, hence restartable. Empty, touching nothing,
	 * when a live launch holds its job's lease (the execution may still be running), it runs in this process, or it
	 * no longer runs.
	 */
	public Optional<JobExecution> recover(long executionId) {
		JobExecution execution = repository.getJobExecution(executionId);
		String leaseName = JobLeases.leaseOf(execution.getJobInstance().getJobName());
		Optional<Lease> held = leases.tryAcquire(leaseName, LeaseStore.RECOVERY);
		if (held.isEmpty()) {
			return Optional.empty();
		}
		try {
			// why: read again under the lease; the launch that held it may have ended it meanwhile
			JobExecution stale = repository.getJobExecution(executionId);
			if (!stale.isRunning() || inFlight.contains(executionId)) {
				return Optional.empty();
			}
			log.warn("Recovering {} execution {} on request, left {} by a launch whose lease {} expired",
					stale.getJobInstance().getJobName(), stale.getId(), stale.getStatus(), leaseName);
			return Optional.of(operator.recover(stale));
		}
		finally {
			release(held.get());
		}
	}

	/**
	 * Runs a short action that writes what a lease's jobs write (the console's dead-letter re-queue) holding that
	 * lease as {@code holder}, waiting its turn as a launch does; the holder it met when the lease stayed held.
	 */
	public <T> LeasedAction<T> underLease(String leaseName, String holder, Supplier<T> action) {
		Optional<Lease> acquired = acquire(leaseName, holder);
		if (acquired.isEmpty()) {
			return new LeasedAction<>(false, null, leases.find(leaseName).orElse(null));
		}
		try {
			return new LeasedAction<>(true, action.get(), null);
		}
		finally {
			release(acquired.get());
		}
	}

	/**
	 * What {@link #underLease} returned: whether the action ran and its result; when it did not, the lease's holder
	 * it met, or null when that holder let go between the wait and the look.
	 */
	public record LeasedAction<T>(boolean ran, T result, Lease heldBy) {
	}

	/**
	 * Asks a running execution, in this process or another, to stop: records it STOPPING in the job repository, which
	 * its steps read at their next chunk boundary; the job's own thread records STOPPED once its last chunk has
	 * ended, so a STOPPED execution is one that no longer writes (abandon and restart rely on that).
	 * <p>
	 * Not {@link JobOperator#stop}: from Spring Batch 6 it writes STOPPED at once, and also writes the step
	 * executions the job's thread is versioning chunk by chunk; when it was given the execution object the job's
	 * thread itself updates, the two threads' updates collided and the run failed with an optimistic-locking error
	 * instead of stopping. Here only the execution's row is written ({@link StopRequests}).
	 */
	public void requestStop(long executionId) throws JobExecutionNotRunningException {
		if (!stopRequests.request(executionId)) {
			JobExecution stored = repository.getJobExecution(executionId);
			if (stored != null && stored.getStatus() == BatchStatus.STOPPING) {
				return;
			}
			throw new JobExecutionNotRunningException("execution " + executionId + " is "
					+ (stored == null ? "unknown" : stored.getStatus()) + ", not running");
		}
		log.info("Stop of execution {} requested; it stops at its next chunk boundary", executionId);
	}

	/** Launches under way in this process, from asking for their lease to releasing it. */
	public int activeLaunches() {
		return launches.get();
	}

	/** From now on, launches nothing (a graceful shutdown); executions already running go on. */
	void refuseLaunches() {
		shuttingDown = true;
	}

	@Override
	public void close() {
		heartbeats.shutdownNow();
	}

	private Job job(String jobName) throws NoSuchJobException {
		Job job = jobs.get(jobName);
		if (job == null) {
			throw new NoSuchJobException("no job named '" + jobName + "'; jobs: " + jobNames());
		}
		return job;
	}

	private static void validate(Job job, JobParameters parameters) throws JobExecutionException {
		if (job.getJobParametersValidator() != null) {
			job.getJobParametersValidator().validate(parameters);
		}
	}

	/** Checks parameters as a launch of {@code jobName} would, before anything runs. */
	public void checkParameters(String jobName, JobParameters parameters) throws JobExecutionException {
		validate(job(jobName), parameters);
	}

	/** The lease {@code jobName} launches under, as held now (by any process), if held. */
	public Optional<Lease> leaseHolder(String jobName) {
		return leases.find(JobLeases.leaseOf(jobName));
	}

	/** How long a launch waits while another job of its lease's group runs ({@code lease.turn-wait}). */
	public Duration turnWait() {
		return turnWait;
	}

	private JobLaunch underLease(Job job, Runnable onLeaseTaken, Execution execution) throws JobExecutionException {
		launches.incrementAndGet();
		try {
			return leased(job, onLeaseTaken, execution);
		}
		finally {
			launches.decrementAndGet();
		}
	}

	private JobLaunch leased(Job job, Runnable onLeaseTaken, Execution execution) throws JobExecutionException {
		if (shuttingDown) {
			return JobLaunch.shuttingDown();
		}
		String leaseName = JobLeases.leaseOf(job.getName());
		Optional<Lease> acquired = acquire(leaseName, job.getName());
		if (shuttingDown) {
			// why: a launch that waited its turn must not start a job once shutdown has begun
			acquired.ifPresent(this::release);
			return JobLaunch.shuttingDown();
		}
		if (acquired.isEmpty()) {
			Lease holder = leases.find(leaseName).orElse(null);
			log.debug("{} not launched: lease {} is held by {}", job.getName(), leaseName, holder);
			return JobLaunch.leaseHeld(holder);
		}
		Lease lease = acquired.get();
		Heartbeat beat = new Heartbeat(lease);
		ScheduledFuture<?> renewal = heartbeats.scheduleAtFixedRate(beat, heartbeat.toMillis(), heartbeat.toMillis(),
				TimeUnit.MILLISECONDS);
		try {
			onLeaseTaken.run();
			recoverUnder(leaseName);
			return execution.run();
		}
		finally {
			renewal.cancel(false);
			// why: a renewal already under way would find the row released below, call the lease lost, and stop
			// the next launch of the job in this process
			beat.end();
			recoverLeftRunning(leaseName);
			release(lease);
		}
	}

	/**
	 * Takes the lease, waiting while a recovery holds it (up to {@code recovery-wait}), another job of the lease's
	 * group runs (up to {@code turn-wait}) or this same job does (up to {@code same-job-wait}, 0s unless set). why: a recovery
	 * holds a lease for a few statements, and a launch it turned away would fail for no job at all (a CronJob's run
	 * exits 3); jobs of a group on one-second schedules fire a few milliseconds apart in a fixed order, so a launch
	 * that gave up on the group's lease would meet the same holder at every fire and never run.
	 */
	private Optional<Lease> acquire(String leaseName, String jobName) {
		long start = System.nanoTime();
		while (true) {
			Optional<Lease> acquired = leases.tryAcquire(leaseName, jobName);
			if (acquired.isPresent()) {
				return acquired;
			}
			if (shuttingDown) {
				return Optional.empty();
			}
			// why: no holder found means it was released in between: try again, within the shorter wait
			Duration patience = leases.find(leaseName).map(holder -> patienceFor(holder, jobName)).orElse(recoveryWait);
			if (System.nanoTime() - start > patience.toNanos()) {
				return Optional.empty();
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
		}
	}

	private Duration patienceFor(Lease holder, String jobName) {
		if (LeaseStore.RECOVERY.equals(holder.jobName())) {
			return recoveryWait;
		}
		return holder.jobName().equals(jobName) ? sameJobWait : turnWait;
	}

	private void release(Lease lease) {
		try {
			leases.release(lease);
		}
		catch (RuntimeException ex) {
			// why: the execution's outcome stands; an unreleased lease lapses at its expiry
			log.warn("Cannot release lease {} of {}: {}; it lapses at its expiry", lease.name(), lease.jobName(),
					ex.getMessage());
		}
	}

	/** The executions of the lease's jobs left STARTED, other than those running in this process. */
	private List<JobExecution> staleUnder(String leaseName) {
		return jobs.keySet().stream().filter(name -> JobLeases.leaseOf(name).equals(leaseName))
			.flatMap(name -> repository.findRunningJobExecutions(name).stream())
			.filter(execution -> !inFlight.contains(execution.getId()))
			.toList();
	}

	/**
	 * Once a launch's execution has returned, marks FAILED an execution of the lease's jobs it left running: Spring
	 * Batch's own last update failed (a stop request committed between its read of the version and its write), so
	 * the row stayed STOPPING and the execution never left {@link InFlightExecutions}, where no recovery looks. The
	 * caller still holds the lease, and runs one launch per lease, so nothing else runs it.
	 */
	private void recoverLeftRunning(String leaseName) {
		for (JobExecution left : List.copyOf(inFlight.running())) {
			if (!JobLeases.leaseOf(left.getJobInstance().getJobName()).equals(leaseName)) {
				continue;
			}
			// why: the afterJob that never ran
			inFlight.afterJob(left);
			try {
				JobExecution stored = repository.getJobExecution(left.getId());
				if (stored != null && stored.isRunning()) {
					log.warn("{} execution {} ended but was left {} in the job repository; marking it FAILED so the "
							+ "next launch restarts it", left.getJobInstance().getJobName(), left.getId(),
							stored.getStatus());
					operator.recover(stored);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Cannot recover execution {} left running: {}; a later launch recovers it once this lease "
						+ "expires", left.getId(), ex.getMessage());
			}
		}
	}

	/** Marks FAILED the executions of the lease's jobs left STARTED; the caller holds the lease. */
	private List<JobExecution> recoverUnder(String leaseName) {
		return staleUnder(leaseName).stream().map(stale -> {
			log.warn("Recovering {} execution {}, left {} by a launch whose lease {} expired",
					stale.getJobInstance().getJobName(), stale.getId(), stale.getStatus(), leaseName);
			return operator.recover(stale);
		}).toList();
	}

	/**
	 * Renews one launch's lease each heartbeat, and stops the launch's execution once the lease can no longer be
	 * shown to be held: the renewal failed, or found the lease taken over.
	 */
	private final class Heartbeat implements Runnable {

		private final Lease lease;

		/** Taken over by another launch: no renewal can succeed any more. */
		private boolean lost;

		/** Why the lease could not be held, once it could not. */
		private String failure;

		private boolean stopped;

		/** The launch is over: nothing more to renew or stop. */
		private boolean ended;

		Heartbeat(Lease lease) {
			this.lease = lease;
		}

		/** Waits for a renewal under way, then lets no other begin. */
		synchronized void end() {
			ended = true;
		}

		@Override
		public synchronized void run() {
			if (ended) {
				return;
			}
			if (!lost) {
				try {
					if (!leases.renew(lease)) {
						lost = true;
						failed("taken-over", "it expired and another launch took it over");
					}
				}
				catch (RuntimeException ex) {
					// why: a renewal that cannot reach the database cannot tell whether the lease outlives this
					// heartbeat, and past its expiry another process may run the job beside this execution. Renewing
					// goes on, so that if the database comes back the lease stays held while the last chunk ends.
					failed("renewal-failed", "renewal failed: " + ex.getMessage());
				}
			}
			if (failure != null && !stopped) {
				// why: tried again each heartbeat, for a launch whose execution had not started yet
				stopped = stopExecutions();
			}
		}

		private void failed(String reason, String detail) {
			if (failure != null) {
				return;
			}
			failure = detail;
			Counter.builder("sync.job.lease.lost").tag("job", lease.jobName()).tag("reason", reason)
				.description("launches that stopped their execution because their lease could not be renewed or "
						+ "was taken over")
				.register(registry).increment();
		}

		/** Stops the launch's running execution; false while it has none yet. */
		private boolean stopExecutions() {
			// why: one launch per lease in a process, so the job's execution running here is this launch's
			List<JobExecution> executions = inFlight.running().stream()
				.filter(running -> running.getJobInstance().getJobName().equals(lease.jobName())).toList();
			for (JobExecution execution : executions) {
				log.error("{} execution {} cannot hold its lease {} ({}); stopping it at its next chunk boundary",
						lease.jobName(), execution.getId(), lease.name(), failure);
				try {
					requestStop(execution.getId());
				}
				catch (Exception ex) {
					// why: the job repository could not record the stop (often the same outage); each step reads
					// this flag at its next chunk boundary all the same
					execution.getStepExecutions().stream().filter(step -> step.getStatus().isRunning())
						.forEach(StepExecution::setTerminateOnly);
					log.warn("Stop of execution {} not recorded in the job repository ({}); its steps stop at their "
							+ "next chunk boundary", execution.getId(), ex.getMessage());
				}
			}
			return !executions.isEmpty();
		}
	}

	private JobExecution lastExecution(String jobName) {
		JobInstance last = repository.getLastJobInstance(jobName);
		return last == null ? null : repository.getLastJobExecution(last);
	}

	/** Whether two launches ask for the same work: the same parameters, their run.id aside. */
	private static boolean sameWork(JobParameters ran, JobParameters asked) {
		return work(ran).equals(work(asked));
	}

	private static Map<String, String> work(JobParameters parameters) {
		Map<String, String> work = new TreeMap<>();
		parameters.parameters().forEach(parameter -> {
			if (!parameter.name().equals(RUN_ID)) {
				work.put(parameter.name(), String.valueOf(parameter.value()));
			}
		});
		return work;
	}

	private static boolean restartable(JobExecution execution) {
		return execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.STOPPED;
	}

	private static JobParameters newInstance(JobParameters parameters) {
		// why: the jobs have no incrementer, so this run.id is what makes the instance new
		return new JobParametersBuilder(parameters).addLong(RUN_ID, System.currentTimeMillis()).toJobParameters();
	}

	@FunctionalInterface
	private interface Execution {

		JobLaunch run() throws JobExecutionException;
	}
}
