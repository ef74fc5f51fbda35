package io.couponsync.jobs.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.applyevents.LedgerStaging;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.jobs.launch.CommandContext;
import io.couponsync.simulator.SolanaSimulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The leases in the job repository's database, on H2 and on a real PostgreSQL: one winner among racing launches,
 * times from the database's clock, one lease for the jobs that write the read model, a running job that renews its
 * lease and stops once it cannot, recovery of a killed process's execution only once its lease expired, and a
 * recovery that neither takes a lease it has nothing to recover under nor turns a launch away.
 */
class JobLeasesIT {

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws Exception {
		postgres = EmbeddedPostgres.builder().start();
	}

	@AfterAll
	static void stopPostgres() throws Exception {
		postgres.close();
	}

	static Stream<String> repositories() {
		return Stream.of("jdbc:h2:mem:leases-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "postgres");
	}

	private static List<String> settings(String url) {
		String jdbcUrl = url.equals("postgres") ? postgres.getJdbcUrl("postgres", "postgres") : url;
		List<String> args = new ArrayList<>(List.of("--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.solana.max-attempts=1",
				"--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
				// why: far longer than the half second the other process holds the lease for, however loaded the machine
				"--sync.jobs.lease.recovery-wait=5s", "--sync.jobs.lease.turn-wait=5s",
				"--spring.datasource.url=" + jdbcUrl, "--spring.batch.jdbc.initialize-schema=always"));
		if (url.equals("postgres")) {
			args.add("--spring.datasource.username=postgres");
			args.add("--spring.datasource.password=");
		}
		return args;
	}

	private static ConfigurableApplicationContext jobsOn(String url, String... moreSettings) {
		List<String> settings = settings(url);
		settings.addAll(List.of(moreSettings));
		ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, settings);
		context.getBean(JdbcTemplate.class).update("delete from job_lease");
		return context;
	}

	/** A writer that takes its time, so a run of applyEventsJob lasts several heartbeats. */
	static class SlowApply {

		@Bean
		WriterCheckpoint slowCheckpoint() {
			return step -> {
				if (step.equals("histories-written")) {
					try {
						Thread.sleep(150);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			};
		}
	}

	/** The jobs with a slow apply, a short lease (2s, renewed every 200ms) and the simulator's program staged. */
	private static ConfigurableApplicationContext slowApplyOn(String url, SolanaSimulator simulator) {
		List<String> args = settings(url);
		args.addAll(List.of("--sync.listener.enabled=false", "--sync.jobs.schedule.enabled=false",
				"--sync.jobs.apply.chunk-size=10", "--sync.jobs.lease.ttl=2s", "--sync.jobs.lease.heartbeat=200ms"));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class, SlowApply.class)
			.web(WebApplicationType.NONE).run(args.toArray(String[]::new));
		context.getBean(JdbcTemplate.class).update("delete from job_lease");
		context.getBean(MongoStagingRepository.class)
			.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions()));
		return context;
	}

	private static SolanaSimulator simulatorWithTraffic() {
		SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		for (int slot = 0; slot < 40; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
		return simulator;
	}

	private static CompletableFuture<JobLaunch> applyInBackground(ConfigurableApplicationContext context) {
		return launchInBackground(context.getBean(JobRunner.class), "applyEventsJob");
	}

	private static CompletableFuture<JobLaunch> launchInBackground(JobRunner runner, String jobName) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return runner.launch(jobName, new JobParameters());
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/** Launches the slow apply in the background and returns once its execution runs, under the lease it took. */
	private static CompletableFuture<JobLaunch> applyRunning(ConfigurableApplicationContext context) {
		InFlightExecutions inFlight = context.getBean(InFlightExecutions.class);
		CompletableFuture<JobLaunch> running = applyInBackground(context);
		await().atMost(Duration.ofSeconds(30)).until(() -> !inFlight.isEmpty());
		return running;
	}

	private static double leasesLost(ConfigurableApplicationContext context, String reason) {
		Counter lost = context.getBean(MeterRegistry.class).find("sync.job.lease.lost").tag("job", "applyEventsJob")
			.tag("reason", reason).counter();
		return lost == null ? 0 : lost.count();
	}

	/** The leases as another process sharing the job repository takes them. */
	private static LeaseStore otherProcess(ConfigurableApplicationContext context) {
		return new LeaseStore(context.getBean(JdbcTemplate.class), Duration.ofMinutes(1), "other:1:x");
	}

	/** This process's leases, counting the attempts to take one that another holder refused. */
	private static final class RefusalCountingLeases extends LeaseStore {

		final List<String> attempts = new CopyOnWriteArrayList<>();

		final AtomicInteger refusals = new AtomicInteger();

		RefusalCountingLeases(ConfigurableApplicationContext context) {
			super(context.getBean(JdbcTemplate.class), Duration.ofMinutes(1), "recording:1:x");
		}

		@Override
		public Optional<Lease> tryAcquire(String name, String jobName) {
			attempts.add(name);
			Optional<Lease> taken = super.tryAcquire(name, jobName);
			if (taken.isEmpty()) {
				refusals.incrementAndGet();
			}
			return taken;
		}
	}

	/** A launching service like the context's, over the given leases. */
	private static JobRunner runnerOver(ConfigurableApplicationContext context, LeaseStore leases) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		return new JobRunner(context.getBean(JobOperator.class), context.getBean(JobRepository.class),
				new ExecutionsOfWork(jdbc), new StopRequests(jdbc), List.copyOf(context.getBeansOfType(Job.class).values()),
				leases, context.getBean(InFlightExecutions.class), context.getBean(JobsProperties.class).lease(),
				new SimpleMeterRegistry());
	}

	/** Waits until a launch has been refused the lease at least once: from then on it is waiting its turn. */
	private static void awaitRefused(RefusalCountingLeases leases) {
		await().atMost(Duration.ofSeconds(20)).until(() -> leases.refusals.get() > 0);
	}

	/** A lease row of another process, as it left it: live until {@code expiresAt}. */
	private static void leaseHeldElsewhere(ConfigurableApplicationContext context, String lease, Instant expiresAt) {
		context.getBean(JdbcTemplate.class).update("insert into job_lease (lease_name, owner, token, job_name, "
				+ "acquired_at, heartbeat_at, expires_at) values (?, 'elsewhere:1:x', 'their-token', 'finalityJob', ?, ?, ?)",
				lease, expiresAt.minusSeconds(120).toEpochMilli(), expiresAt.minusSeconds(60).toEpochMilli(),
				expiresAt.toEpochMilli());
	}

	/** An execution as a hard kill leaves it: STARTED, no end time. */
	private static long startedExecution(ConfigurableApplicationContext context, String jobName) {
		JobRepository repository = context.getBean(JobRepository.class);
		JobParameters parameters = new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters();
		JobExecution execution = repository.createJobExecution(repository.createJobInstance(jobName, parameters),
				parameters, new ExecutionContext());
		execution.setStatus(BatchStatus.STARTED);
		execution.setStartTime(LocalDateTime.now());
		repository.update(execution);
		return execution.getId();
	}

	@Test
	void refusesAHeartbeatThatCouldLetTheLeaseLapse() {
		assertThatThrownBy(() -> CommandContext.start(JobsApplication.class, List.of(
				"--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.mongodb.embedded.port=0",
				"--sync.mongodb.embedded.file=", "--sync.jobs.lease.ttl=60s", "--sync.jobs.lease.heartbeat=40s")))
			.hasStackTraceContaining("must be at most half the lease's ttl");
		assertThatThrownBy(() -> CommandContext.start(JobsApplication.class, List.of(
				"--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.mongodb.embedded.port=0",
				"--sync.mongodb.embedded.file=", "--sync.jobs.lease.turn-wait=-1s")))
			.hasStackTraceContaining("sync.jobs.lease.turnWait").hasStackTraceContaining("must be between 0s and 1h");
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void exactlyOneOfManyRacingLaunchesTakesALease(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			int racers = 8;
			List<LeaseStore> processes = new ArrayList<>();
			for (int i = 0; i < racers; i++) {
				processes.add(new LeaseStore(jdbc, Duration.ofMinutes(1), "process-" + i));
			}
			for (String lease : List.of("fresh", "expired")) {
				if (lease.equals("expired")) {
					leaseHeldElsewhere(context, lease, Instant.now().minusSeconds(5));
				}
				CountDownLatch go = new CountDownLatch(1);
				ExecutorService pool = Executors.newFixedThreadPool(racers);
				try {
					List<Future<Optional<Lease>>> attempts = new ArrayList<>();
					for (LeaseStore process : processes) {
						Callable<Optional<Lease>> attempt = () -> {
							go.await();
							return process.tryAcquire(lease, "applyEventsJob");
						};
						attempts.add(pool.submit(attempt));
					}
					go.countDown();
					List<Lease> winners = new ArrayList<>();
					for (Future<Optional<Lease>> attempt : attempts) {
						attempt.get().ifPresent(winners::add);
					}
					assertThat(winners).as(lease).hasSize(1);
					assertThat(processes.get(0).find(lease)).get().extracting(Lease::owner)
						.isEqualTo(winners.get(0).owner());
				}
				finally {
					pool.shutdownNow();
				}
			}
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aLeaseIsRenewedByItsHolderAndFreeOnceReleased(String url) {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			LeaseStore one = new LeaseStore(jdbc, Duration.ofMinutes(1), "one");
			LeaseStore other = new LeaseStore(jdbc, Duration.ofMinutes(1), "other");
			Lease held = one.tryAcquire("l", "backfillJob").orElseThrow();

			assertThat(one.tryAcquire("l", "backfillJob")).as("not re-entrant: one launch per lease").isEmpty();
			assertThat(one.renew(held)).isTrue();
			assertThat(other.tryAcquire("l", "backfillJob")).isEmpty();
			one.release(held);
			Lease taken = other.tryAcquire("l", "backfillJob").orElseThrow();
			assertThat(one.renew(held)).as("a released lease is not renewed by its old token").isFalse();
			assertThat(other.renew(taken)).isTrue();
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void theReadModelWritersShareOneLeaseAndTheCrawlerHasItsOwn(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JobRunner runner = context.getBean(JobRunner.class);
			JobRepository repository = context.getBean(JobRepository.class);
			// why: the PostgreSQL repository is shared by the class's tests, whatever their order
			int applyInstances = repository.findJobInstances("applyEventsJob").size();
			leaseHeldElsewhere(context, JobLeases.READ_MODEL, Instant.now().plusSeconds(600));

			for (String writer : List.of("applyEventsJob", "finalityJob", "reconcileJob", "orphanCleanupJob")) {
				JobLaunch launch = runner.launch(writer, new JobParameters());
				assertThat(launch.outcome()).as(writer).isEqualTo(JobLaunch.Outcome.LEASE_HELD);
				assertThat(launch.holder().owner()).isEqualTo("elsewhere:1:x");
			}
			JobLaunch crawl = runner.launch("backfillJob", new JobParameters());
			assertThat(crawl.outcome()).as("only inserts staged transactions if absent").isEqualTo(JobLaunch.Outcome.RAN);
			assertThat(context.getBean(LeaseStore.class).find("backfillJob")).as("released at its end").isEmpty();
			assertThat(repository.findJobInstances("applyEventsJob")).as("none started under the held lease")
				.hasSize(applyInstances);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aLaunchWaitsItsTurnWhileAnotherJobOfItsGroupRunsButNotBehindItsOwnJob(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			RefusalCountingLeases leases = new RefusalCountingLeases(context);
			JobRunner runner = runnerOver(context, leases);
			LeaseStore otherProcess = otherProcess(context);
			Lease finality = otherProcess.tryAcquire(JobLeases.READ_MODEL, "finalityJob").orElseThrow();
			CompletableFuture<JobLaunch> apply = launchInBackground(runner, "applyEventsJob");
			awaitRefused(leases);
			assertThat(apply).as("waiting while the finality run holds the lease").isNotDone();
			otherProcess.release(finality);
			assertThat(apply.get().outcome()).as("ran once the finality run ended").isEqualTo(JobLaunch.Outcome.RAN);

			otherProcess.tryAcquire(JobLeases.READ_MODEL, "finalityJob").orElseThrow();
			leases.attempts.clear();
			JobLaunch sameJob = runner.launch("finalityJob", new JobParameters());
			assertThat(sameJob.outcome()).as("its own job runs elsewhere").isEqualTo(JobLaunch.Outcome.LEASE_HELD);
			assertThat(leases.attempts).as("given up at the first refusal, without waiting a turn").hasSize(1);
			assertThat(runner.launch("applyEventsJob", new JobParameters()).outcome())
				.as("a run that does not end is waited for only turn-wait").isEqualTo(JobLaunch.Outcome.LEASE_HELD);
			runner.close();
		}
	}

	/**
	 * PostgreSQL waits for a row lock as long as it is held (H2 gives up after its own lock timeout): without a
	 * query timeout a renewal would hang past the lease's expiry instead of failing and stopping the execution.
	 */
	@Test
	void aRenewalTheDatabaseBlocksFailsWithinAHeartbeatInsteadOfHanging() throws Exception {
		try (ConfigurableApplicationContext context = jobsOn("postgres", "--sync.jobs.lease.heartbeat=1s",
				"--sync.jobs.lease.ttl=2s")) {
			LeaseStore leases = context.getBean(LeaseStore.class);
			Lease lease = leases.tryAcquire(JobLeases.READ_MODEL, "finalityJob").orElseThrow();
			try (Connection blocker = context.getBean(DataSource.class).getConnection()) {
				blocker.setAutoCommit(false);
				try (PreparedStatement lock = blocker.prepareStatement(
						"select token from job_lease where lease_name = ? for update")) {
					lock.setString(1, JobLeases.READ_MODEL);
					lock.executeQuery().close();
				}
				CompletableFuture<Boolean> renewal = CompletableFuture.supplyAsync(() -> leases.renew(lease));

				assertThatThrownBy(() -> renewal.get(30, TimeUnit.SECONDS)).as("failed, not still waiting")
					.isInstanceOf(ExecutionException.class).hasCauseInstanceOf(DataAccessException.class);
				blocker.rollback();
			}
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aLaunchWaitingItsTurnStartsNothingOnceShutdownBegan(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			RefusalCountingLeases leases = new RefusalCountingLeases(context);
			JobRunner runner = runnerOver(context, leases);
			LeaseStore otherProcess = otherProcess(context);
			JobRepository repository = context.getBean(JobRepository.class);
			int instancesBefore = repository.findJobInstances("applyEventsJob").size();
			Lease finality = otherProcess.tryAcquire(JobLeases.READ_MODEL, "finalityJob").orElseThrow();
			CompletableFuture<JobLaunch> waiting = launchInBackground(runner, "applyEventsJob");
			awaitRefused(leases);

			runner.refuseLaunches();
			otherProcess.release(finality);

			assertThat(waiting.get().outcome()).isEqualTo(JobLaunch.Outcome.SHUTTING_DOWN);
			assertThat(repository.findJobInstances("applyEventsJob")).hasSize(instancesBefore);
			runner.close();
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aLaunchWithSameJobWaitTakesAKilledProcesssLeaseOnceItExpiresAndContinuesItsExecution(String url)
			throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url, "--sync.jobs.lease.same-job-wait=30s")) {
			RefusalCountingLeases leases = new RefusalCountingLeases(context);
			JobRunner runner = runnerOver(context, leases);
			JobRepository repository = context.getBean(JobRepository.class);
			long killed = startedExecution(context, "finalityJob");
			leaseHeldElsewhere(context, JobLeases.READ_MODEL, Instant.now().plusSeconds(600));

			CompletableFuture<JobLaunch> retry = launchInBackground(runner, "finalityJob");
			awaitRefused(leases);
			assertThat(retry).as("waiting while the killed process's lease stands").isNotDone();
			// the killed process's lease lapses: it renews it no more
			context.getBean(JdbcTemplate.class).update("update job_lease set expires_at = ?",
					Instant.now().minusSeconds(1).toEpochMilli());

			JobLaunch launch = retry.get(30, TimeUnit.SECONDS);
			assertThat(launch.outcome()).isEqualTo(JobLaunch.Outcome.RAN);
			assertThat(repository.getJobExecution(killed).getStatus()).as("recovered under the expired lease")
				.isEqualTo(BatchStatus.FAILED);
			assertThat(launch.execution().getJobInstance().getInstanceId()).as("the killed execution, continued")
				.isEqualTo(repository.getJobExecution(killed).getJobInstance().getInstanceId());
			runner.close();
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aKilledProcesssExecutionIsRecoveredOnlyOnceItsLeaseExpired(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JobRunner runner = context.getBean(JobRunner.class);
			JobRepository repository = context.getBean(JobRepository.class);
			long live = startedExecution(context, "finalityJob");
			leaseHeldElsewhere(context, JobLeases.READ_MODEL, Instant.now().plusSeconds(600));

			assertThat(runner.recoverAbandoned()).isEmpty();
			assertThat(runner.launch("finalityJob", new JobParameters()).outcome())
				.isEqualTo(JobLaunch.Outcome.LEASE_HELD);
			assertThat(repository.getJobExecution(live).getStatus()).as("its process still renews the lease")
				.isEqualTo(BatchStatus.STARTED);

			context.getBean(JdbcTemplate.class).update("update job_lease set expires_at = ?",
					Instant.now().minusSeconds(1).toEpochMilli());
			JobLaunch next = runner.launch("finalityJob", new JobParameters());

			assertThat(repository.getJobExecution(live).getStatus()).as("recovered under the expired lease")
				.isEqualTo(BatchStatus.FAILED);
			assertThat(next.outcome()).isEqualTo(JobLaunch.Outcome.RAN);
			assertThat(next.execution().getJobInstance().getInstanceId()).as("the recovered execution, restarted")
				.isEqualTo(repository.getJobExecution(live).getJobInstance().getInstanceId());
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void leaseTimesAreTheDatabasesClock(String url) {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			LeaseStore store = context.getBean(LeaseStore.class);
			Instant before = store.databaseNow();
			Lease held = store.tryAcquire("clock", "backfillJob").orElseThrow();
			Instant after = store.databaseNow();

			assertThat(held.heartbeatAt()).isBetween(before, after);
			assertThat(held.acquiredAt()).isEqualTo(held.heartbeatAt());
			assertThat(Duration.between(held.heartbeatAt(), held.expiresAt())).isEqualTo(Duration.ofSeconds(60));
			assertThat(store.find("clock")).contains(held);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aRunningJobRenewsItsLeaseAndStopsOnceAnotherLaunchTookItOver(String url) throws Exception {
		try (SolanaSimulator simulator = simulatorWithTraffic();
				ConfigurableApplicationContext context = slowApplyOn(url, simulator)) {
			LeaseStore store = context.getBean(LeaseStore.class);
			CompletableFuture<JobLaunch> running = applyRunning(context);
			assertThat(store.find(JobLeases.READ_MODEL)).get().extracting(Lease::owner).isEqualTo(store.owner());
			Instant firstExpiry = store.find(JobLeases.READ_MODEL).orElseThrow().expiresAt();

			await().atMost(Duration.ofSeconds(10)).until(() -> store.find(JobLeases.READ_MODEL).orElseThrow()
				.expiresAt().isAfter(firstExpiry));
			assertThat(running).as("renewed while the execution runs").isNotDone();

			context.getBean(JdbcTemplate.class).update("update job_lease set owner = 'elsewhere:1:x', "
					+ "token = 'their-token' where lease_name = ?", JobLeases.READ_MODEL);
			JobLaunch launch = running.get(60, TimeUnit.SECONDS);

			assertThat(launch.execution().getStatus()).isEqualTo(BatchStatus.STOPPED);
			assertThat(context.getBean(MongoStagingRepository.class).newestSlot(StagingStatus.RECEIVED))
				.as("stopped before it applied everything").isNotNull();
			assertThat(store.find(JobLeases.READ_MODEL)).as("the other launch's lease, not released by this one")
				.get().extracting(Lease::owner).isEqualTo("elsewhere:1:x");
			assertThat(leasesLost(context, "taken-over")).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aRunningJobStopsWhenItCannotRenewItsLease(String url) throws Exception {
		try (SolanaSimulator simulator = simulatorWithTraffic();
				ConfigurableApplicationContext context = slowApplyOn(url, simulator)) {
			LeaseStore store = context.getBean(LeaseStore.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			CompletableFuture<JobLaunch> running = applyRunning(context);
			assertThat(store.find(JobLeases.READ_MODEL)).isPresent();

			// the lease table out of reach while the job repository's own tables answer: renewals fail
			jdbc.update("alter table job_lease rename to job_lease_away");
			JobLaunch launch;
			try {
				launch = running.get(60, TimeUnit.SECONDS);
			}
			finally {
				jdbc.update("alter table job_lease_away rename to job_lease");
			}

			assertThat(launch.execution().getStatus()).isEqualTo(BatchStatus.STOPPED);
			assertThat(context.getBean(MongoStagingRepository.class).newestSlot(StagingStatus.RECEIVED))
				.as("stopped before it applied everything").isNotNull();
			assertThat(leasesLost(context, "renewal-failed")).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aStopRequestedWhileAJobRunsEndsItStopped(String url) throws Exception {
		try (SolanaSimulator simulator = simulatorWithTraffic();
				ConfigurableApplicationContext context = slowApplyOn(url, simulator)) {
			CompletableFuture<JobLaunch> running = applyRunning(context);
			long id = context.getBean(InFlightExecutions.class).running().iterator().next().getId();

			context.getBean(JobRunner.class).requestStop(id);

			assertThat(context.getBean(JobRepository.class).getJobExecution(id).getStatus())
				.as("recorded for the steps to read").isIn(BatchStatus.STOPPING, BatchStatus.STOPPED);
			// why: a stop written through the job thread's own execution object raced its updates, and the run
			// could end FAILED with an optimistic-locking error instead
			assertThat(running.get(60, TimeUnit.SECONDS).execution().getStatus()).isEqualTo(BatchStatus.STOPPED);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void anExecutionWhoseLastUpdateFailedIsRecoveredByItsLaunchNotLeftRunning(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JobRepository repository = context.getBean(JobRepository.class);
			InFlightExecutions inFlight = context.getBean(InFlightExecutions.class);
			// as Spring Batch leaves one whose last update met a stop request's new version: its afterJob never ran,
			// and its row says STOPPING
			JobExecution left = repository.getJobExecution(startedExecution(context, "finalityJob"));
			inFlight.beforeJob(left);
			context.getBean(JdbcTemplate.class)
				.update("update BATCH_JOB_EXECUTION set STATUS = 'STOPPING' where JOB_EXECUTION_ID = ?", left.getId());

			assertThat(context.getBean(JobRunner.class).launch("finalityJob", new JobParameters()).outcome())
				.isEqualTo(JobLaunch.Outcome.RAN);

			assertThat(inFlight.contains(left.getId())).isFalse();
			assertThat(repository.getJobExecution(left.getId()).getStatus())
				.as("recovered, so the next launch restarts it").isEqualTo(BatchStatus.FAILED);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aStopOfAnExecutionThatHasEndedChangesNothing(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JobRunner runner = context.getBean(JobRunner.class);
			JobExecution ended = runner.launch("finalityJob", new JobParameters()).execution();
			JobRepository repository = context.getBean(JobRepository.class);
			BatchStatus status = repository.getJobExecution(ended.getId()).getStatus();
			int version = repository.getJobExecution(ended.getId()).getVersion();

			assertThatThrownBy(() -> runner.requestStop(ended.getId()))
				.isInstanceOf(JobExecutionNotRunningException.class).hasMessageContaining("is " + status);
			assertThat(repository.getJobExecution(ended.getId()).getStatus()).isEqualTo(status);
			assertThat(repository.getJobExecution(ended.getId()).getVersion()).isEqualTo(version);
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void aLaunchWaitsForALeaseARecoveryHoldsInsteadOfFailing(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			RefusalCountingLeases leases = new RefusalCountingLeases(context);
			JobRunner runner = runnerOver(context, leases);
			LeaseStore recoveringProcess = new LeaseStore(context.getBean(JdbcTemplate.class), Duration.ofMinutes(1),
					"recovering:1:x");
			Lease recovery = recoveringProcess.tryAcquire(JobLeases.READ_MODEL, LeaseStore.RECOVERY).orElseThrow();
			CompletableFuture<JobLaunch> finality = launchInBackground(runner, "finalityJob");
			awaitRefused(leases);
			assertThat(finality).as("waiting while the recovery holds the lease").isNotDone();
			recoveringProcess.release(recovery);
			assertThat(finality.get().outcome()).as("waited for the recovery").isEqualTo(JobLaunch.Outcome.RAN);

			recoveringProcess.tryAcquire(JobLeases.READ_MODEL, LeaseStore.RECOVERY).orElseThrow();
			assertThat(runner.launch("finalityJob", new JobParameters()).outcome())
				.as("a recovery that never ends (its process died) is waited for only recovery-wait")
				.isEqualTo(JobLaunch.Outcome.LEASE_HELD);
			runner.close();
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void recoveryTakesOnlyTheLeasesItHasExecutionsToRecoverUnder(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			RefusalCountingLeases recording = new RefusalCountingLeases(context);
			List<String> taken = recording.attempts;
			JobRunner runner = runnerOver(context, recording);

			assertThat(runner.recoverAbandoned()).isEmpty();
			assertThat(taken).as("nothing left STARTED: no lease taken, so no launch can meet the recovery").isEmpty();

			long stale = startedExecution(context, "finalityJob");
			assertThat(runner.recoverAbandoned()).extracting(JobExecution::getId).containsExactly(stale);
			assertThat(taken).containsExactly(JobLeases.READ_MODEL);
			assertThat(recording.find(JobLeases.READ_MODEL)).as("released").isEmpty();
			runner.close();
		}
	}
}
