package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/**
 * What an operator meets in the console, made for real: a simulator with program traffic, a backfill execution
 * that FAILED because the RPC answered 429 (one attempt allowed), and a dead letter (a staged transaction whose
 * event data no IDL knows), left by a real applyEventsJob run.
 */
final class ConsoleScenario {

	static final String ADMIN = "operator";

	static final String ADMIN_PASSWORD = "operator-secret";

	static final String VIEWER = "watcher";

	static final String VIEWER_PASSWORD = "viewer-secret";

	private ConsoleScenario() {
	}

	static SolanaSimulator simulator() {
		SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl())
			.withWorkload(new MarketplaceWorkload.Options(0.1, 0.2, 0.02, 0)));
		for (int slot = 0; slot < 40; slot++) {
			simulator.runWorkload(2);
			simulator.advanceSlots(1);
		}
		return simulator;
	}

	/**
	 * The application against the simulator, with the accounts above; the test class adds
	 * {@code spring.config.additional-location=file:../config/} to its inlined properties, so the repository's
	 * configuration (management endpoints, health groups) is the one tested.
	 */
	static void register(DynamicPropertyRegistry registry, SolanaSimulator simulator, String database) {
		SimulatorProperties.register(registry, simulator);
		registry.add("sync.program.idl", () -> "../config/idl/discount_platform.json");
		registry.add("sync.jobs.schedule.enabled", () -> "false");
		registry.add("sync.solana.max-attempts", () -> "1");
		registry.add("sync.solana.requests-per-second", () -> "0");
		registry.add("sync.mongodb.embedded.port", () -> "0");
		registry.add("sync.mongodb.embedded.file", () -> "");
		registry.add("spring.datasource.url", () -> "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
		registry.add("sync.security.admin.username", () -> ADMIN);
		registry.add("sync.security.admin.password", () -> ADMIN_PASSWORD);
		registry.add("sync.security.viewer.username", () -> VIEWER);
		registry.add("sync.security.viewer.password", () -> VIEWER_PASSWORD);
	}

	/**
	 * Waits until every launch of the process is over, its lease released: an execution shows COMPLETED a moment
	 * before its launch lets the lease go, and the next test's launch of the same job would find it held.
	 */
	static void awaitLaunchesOver(ApplicationContext context) {
		JobRunner runner = context.getBean(JobRunner.class);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> runner.activeLaunches() == 0);
	}

	/** Runs backfillJob while the RPC answers 429: the execution fails, and a restart will find the RPC well. */
	static JobExecution failedBackfill(ApplicationContext context, SolanaSimulator simulator) throws Exception {
		simulator.faults().retryAfterSeconds(0).answerTooManyRequests(1);
		JobExecution failed = context.getBean(JobRunner.class).run(context.getBean("backfillJob", Job.class),
				new JobParameters());
		simulator.faults().answerTooManyRequests(0);
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		return failed;
	}

	/** Stages a transaction whose event data no IDL knows and applies: it becomes a dead letter; its signature. */
	static String deadLetter(ApplicationContext context, SolanaSimulator simulator, String signature)
			throws Exception {
		String program = simulator.programId();
		context.getBean(MongoStagingRepository.class).insertIfAbsent(List.of(StagedTransaction.fromWebSocket(signature,
				5, null, List.of("Program " + program + " invoke [1]", "Program data: AQIDBAUGBwg=",
						"Program " + program + " success"),
				Instant.now())));
		JobExecution applied = context.getBean(JobRunner.class).run(context.getBean("applyEventsJob", Job.class),
				new JobParameters());
		assertThat(applied.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return signature;
	}
}
