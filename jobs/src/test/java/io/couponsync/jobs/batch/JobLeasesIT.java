package io.couponsync.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.launch.CommandContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The leases in the job repository's database, on H2 and on a real PostgreSQL: one winner among racing launches,
 * one lease for the jobs that write the read model, and recovery of a killed process's execution only once its
 * lease expired.
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

	private static ConfigurableApplicationContext jobsOn(String url) {
		String jdbcUrl = url.equals("postgres") ? postgres.getJdbcUrl("postgres", "postgres") : url;
		List<String> args = new ArrayList<>(List.of("--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.solana.max-attempts=1",
				"--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
				"--spring.datasource.url=" + jdbcUrl, "--spring.batch.jdbc.initialize-schema=always"));
		if (url.equals("postgres")) {
			args.add("--spring.datasource.username=postgres");
			args.add("--spring.datasource.password=");
		}
		ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, args);
		context.getBean(JdbcTemplate.class).update("delete from job_lease");
		return context;
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
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void exactlyOneOfManyRacingLaunchesTakesALease(String url) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(url)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			int racers = 8;
			List<LeaseStore> processes = new ArrayList<>();
			for (int i = 0; i < racers; i++) {
				processes.add(new LeaseStore(jdbc, Clock.systemUTC(), Duration.ofMinutes(1), "process-" + i));
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
			LeaseStore one = new LeaseStore(jdbc, Clock.systemUTC(), Duration.ofMinutes(1), "one");
			LeaseStore other = new LeaseStore(jdbc, Clock.systemUTC(), Duration.ofMinutes(1), "other");
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
			leaseHeldElsewhere(context, JobLeases.READ_MODEL, Instant.now().plusSeconds(600));

			for (String writer : List.of("applyEventsJob", "finalityJob", "reconcileJob", "orphanCleanupJob")) {
				JobLaunch launch = runner.launch(writer, new JobParameters());
				assertThat(launch.outcome()).as(writer).isEqualTo(JobLaunch.Outcome.LEASE_HELD);
				assertThat(launch.holder().owner()).isEqualTo("elsewhere:1:x");
			}
			JobLaunch crawl = runner.launch("backfillJob", new JobParameters());
			assertThat(crawl.outcome()).as("only inserts staged transactions if absent").isEqualTo(JobLaunch.Outcome.RAN);
			assertThat(context.getBean(LeaseStore.class).find("backfillJob")).as("released at its end").isEmpty();
			assertThat(context.getBean(JobRepository.class).findJobInstances("applyEventsJob")).isEmpty();
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
}
