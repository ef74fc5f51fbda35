package io.couponsync.jobs.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.NoSuchJobException;
import org.springframework.batch.core.repository.JobRepository;

/**
 * The one way jobs are launched — by Quartz, the run command or the admin UI — so that at most one execution of a
 * job (or of a group of jobs writing the same documents, see {@link JobLeases}) runs at a time across every process
 * sharing the job repository. Each launch takes the job's lease, renews it on a heartbeat while the execution runs
 * (in the caller's thread, to its end) and releases it at the end. Holding the lease proves that no other live
 * launch runs the group's jobs, so executions of them left STARTED are recovered (marked FAILED) there and then;
 * an execution whose process still renews its lease is never touched.
 */
public class JobRunner implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

	private final JobOperator operator;

	private final JobRepository repository;

	private final Map<String, Job> jobs;

	private final LeaseStore leases;

	private final InFlightExecutions inFlight;

	private final Duration heartbeat;

	private volatile boolean shuttingDown;

	private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
		Thread thread = new Thread(task, "job-lease-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	public JobRunner(JobOperator operator, JobRepository repository, List<Job> jobs, LeaseStore leases,
			InFlightExecutions inFlight, Duration heartbeat) {
		this.operator = operator;
		this.repository = repository;
		this.jobs = jobs.stream().collect(Collectors.toMap(Job::getName, Function.identity()));
		this.leases = leases;
		this.inFlight = inFlight;
		this.heartbeat = heartbeat;
	}

	/** The names of the jobs it launches. */
	public Set<String> jobNames() {
		return new TreeSet<>(jobs.keySet());
	}

	/**
	 * As the schedule launches: restarts the job's last execution if it failed or stopped (continuing from its last
	 * committed chunk, with its own parameters), else starts a new instance with {@code parameters}.
	 */
	public JobLaunch launch(String jobName, JobParameters parameters) throws JobExecutionException {
		Job job = job(jobName);
		validate(job, parameters);
		return underLease(job, () -> {
			JobExecution last = lastExecution(jobName);
			if (last != null && restartable(last)) {
				log.info("Restarting {} execution {} ({})", jobName, last.getId(), last.getStatus());
				return JobLaunch.ran(operator.restart(last));
			}
			return JobLaunch.ran(operator.start(job, newInstance(parameters)));
		});
	}

	/** Starts a new instance of the job with {@code parameters}, whatever became of its last execution. */
	public JobLaunch start(String jobName, JobParameters parameters) throws JobExecutionException {
		Job job = job(jobName);
		validate(job, parameters);
		return underLease(job, () -> JobLaunch.ran(operator.start(job, newInstance(parameters))));
	}

	/** Restarts the job's last execution if it failed or stopped; {@link JobLaunch.Outcome#NOTHING_TO_RESTART} if not. */
	public JobLaunch restart(String jobName) throws JobExecutionException {
		Job job = job(jobName);
		return underLease(job, () -> {
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
	 * lease; a lease held live is left alone, and so are the executions under it.
	 */
	public List<JobExecution> recoverAbandoned() {
		return jobs.keySet().stream().map(JobLeases::leaseOf).distinct().flatMap(lease -> {
			Optional<Lease> held = leases.tryAcquire(lease, "recovery");
			if (held.isEmpty()) {
				log.info("Not recovering executions under lease {}: {} holds it", lease,
						leases.find(lease).map(Lease::owner).orElse("another launch"));
				return Stream.empty();
			}
			try {
				return recoverUnder(lease).stream();
			}
			finally {
				leases.release(held.get());
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
		Optional<Lease> held = leases.tryAcquire(leaseName, "recovery");
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
			leases.release(held.get());
		}
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

	private JobLaunch underLease(Job job, Execution execution) throws JobExecutionException {
		if (shuttingDown) {
			return JobLaunch.shuttingDown();
		}
		String leaseName = JobLeases.leaseOf(job.getName());
		Optional<Lease> acquired = leases.tryAcquire(leaseName, job.getName());
		if (acquired.isEmpty()) {
			Lease holder = leases.find(leaseName).orElse(null);
			log.debug("{} not launched: lease {} is held by {}", job.getName(), leaseName, holder);
			return JobLaunch.leaseHeld(holder);
		}
		Lease lease = acquired.get();
		ScheduledFuture<?> renewal = heartbeats.scheduleAtFixedRate(() -> renew(lease), heartbeat.toMillis(),
				heartbeat.toMillis(), TimeUnit.MILLISECONDS);
		try {
			recoverUnder(leaseName);
			return execution.run();
		}
		finally {
			renewal.cancel(false);
			leases.release(lease);
		}
	}

	/** Marks FAILED the executions of the lease's jobs left STARTED; the caller holds the lease. */
	private List<JobExecution> recoverUnder(String leaseName) {
		return jobs.keySet().stream().filter(name -> JobLeases.leaseOf(name).equals(leaseName))
			.flatMap(name -> repository.findRunningJobExecutions(name).stream())
			.filter(execution -> !inFlight.contains(execution.getId()))
			.map(stale -> {
				log.warn("Recovering {} execution {}, left {} by a launch whose lease {} expired",
						stale.getJobInstance().getJobName(), stale.getId(), stale.getStatus(), leaseName);
				return operator.recover(stale);
			})
			.toList();
	}

	private void renew(Lease lease) {
		try {
			if (!leases.renew(lease)) {
				log.error("{} lost its lease {} (no heartbeat for its time-to-live); stopping it", lease.jobName(),
						lease.name());
				for (JobExecution execution : inFlight.running()) {
					if (execution.getJobInstance().getJobName().equals(lease.jobName())) {
						operator.stop(execution);
					}
				}
			}
		}
		catch (Exception ex) {
			log.warn("Cannot renew lease {} of {}: {}", lease.name(), lease.jobName(), ex.getMessage());
		}
	}

	private JobExecution lastExecution(String jobName) {
		JobInstance last = repository.getLastJobInstance(jobName);
		return last == null ? null : repository.getLastJobExecution(last);
	}

	private static boolean restartable(JobExecution execution) {
		return execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.STOPPED;
	}

	private static JobParameters newInstance(JobParameters parameters) {
		// why: the jobs have no incrementer, so this run.id is what makes the instance new
		return new JobParametersBuilder(parameters).addLong("run.id", System.currentTimeMillis()).toJobParameters();
	}

	@FunctionalInterface
	private interface Execution {

		JobLaunch run() throws JobExecutionException;
	}
}
