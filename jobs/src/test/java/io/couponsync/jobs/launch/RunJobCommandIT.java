package io.couponsync.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.platform.mongo.EmbeddedMongoServer;
import io.couponsync.platform.mongo.MongoStoreConfiguration;

/** The run-once command line, as a CronJob or an operator runs it. */
@ExtendWith(OutputCaptureExtension.class)
class RunJobCommandIT {

	private static final String[] CONFIG = { "--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
			"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
			"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
			"--spring.datasource.url=jdbc:h2:mem:run-command;DB_CLOSE_DELAY=-1" };

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return RunJobCommand.run(JobsApplication.class, args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private static String[] with(String... args) {
		String[] all = new String[args.length + CONFIG.length];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(CONFIG, 0, all, args.length, CONFIG.length);
		return all;
	}

	@Test
	void runsAJobWithTypedParametersAndExitsWithItsStatus() {
		int code = run(with("applyEventsJob", "fromSlot=0", "requeueDeadLetters=true"));

		assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("applyEventsJob execution").contains("COMPLETED");
	}

	@Test
	void refusesUnknownJobsAndMalformedParameters() {
		assertThat(run(with("noSuchJob"))).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("no job named 'noSuchJob'").contains("applyEventsJob");
		assertThat(run("applyEventsJob", "fromSlot")).isEqualTo(2);
		assertThat(run()).isEqualTo(2);
		assertThat(run("applyEventsJob", "--restart", "fromSlot=3")).isEqualTo(2);
	}

	@Test
	void refusesParametersTheJobDoesNotReadAndValuesOfTheWrongKindInOneLine() {
		assertThat(run(with("applyEventsJob", "fromslot=3"))).isEqualTo(2);
		assertThat(run(with("applyEventsJob", "fromSlot=soon"))).isEqualTo(2);
		assertThat(run(with("applyEventsJob", "requeueDeadLetters=yes"))).isEqualTo(2);
		assertThat(run(with("reconcileJob", "mode=partial"))).isEqualTo(2);
		assertThat(run(with("retentionJob", "retentionDays=0"))).isEqualTo(2);
		assertThat(run(with("applyEventsJob", "fromSlot=-1"))).isEqualTo(2);
		assertThat(run(with("retentionJob", "retentionDays=4294967295"))).isEqualTo(2);
		assertThat(run(with("backfillJob", "untilSignature=5xVgKq"))).isEqualTo(2);

		assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
				"run: applyEventsJob: unknown parameter 'fromslot' (it takes [fromSlot, requeueDeadLetters])",
				"run: applyEventsJob: fromSlot=soon is not a whole number",
				"run: applyEventsJob: requeueDeadLetters=yes is not true or false",
				"run: reconcileJob: mode=partial is not incremental or full",
				"run: retentionJob: retentionDays=0 is less than 1",
				"run: applyEventsJob: fromSlot=-1 is less than 0",
				"run: retentionJob: retentionDays=4294967295 is more than 36500",
				"run: backfillJob: untilSignature=5xVgKq is not a transaction signature (64 bytes in base58)");
		assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing ran").isEmpty();
	}

	@Test
	void explicitParametersAfterAFailureStartANewInstanceAndRestartContinuesTheFailedOne() {
		String failing = "--sync.solana.max-attempts=1";
		assertThat(run(inOwnRepository("backfillJob", failing))).isEqualTo(1);
		long failed = lastExecutionId();

		assertThat(run(inOwnRepository("backfillJob", "fromSlot=7", failing))).isEqualTo(1);
		long withParameters = lastExecutionId();
		assertThat(run(inOwnRepository("backfillJob", "--restart", failing))).isEqualTo(1);
		long restarted = lastExecutionId();

		try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, List.of(inOwnRepository()))) {
			JobRepository repository = context.getBean(JobRepository.class);
			JobExecution second = repository.getJobExecution(withParameters);
			assertThat(second.getJobInstance().getInstanceId()).as("a new instance, not the failed one restarted")
				.isNotEqualTo(repository.getJobExecution(failed).getJobInstance().getInstanceId());
			assertThat(second.getJobParameters().getLong("fromSlot")).isEqualTo(7L);
			assertThat(repository.getJobExecution(restarted).getJobInstance().getInstanceId())
				.as("--restart continues the last failed execution's instance")
				.isEqualTo(second.getJobInstance().getInstanceId());
		}
	}

	@Test
	void scheduledRunsContinueAFailedExecutionWithTheSameParametersAsATriggerDoes() {
		String failing = "--sync.solana.max-attempts=1";
		assertThat(run(inOwnRepository("backfillJob", "fromSlot=7", failing))).isEqualTo(1);
		long failed = lastExecutionId();

		assertThat(run(inOwnRepository("backfillJob", "--scheduled", "fromSlot=7", failing))).isEqualTo(1);
		long continued = lastExecutionId();
		assertThat(run(inOwnRepository("backfillJob", "--scheduled", "fromSlot=8", failing))).isEqualTo(1);
		long other = lastExecutionId();

		try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, List.of(inOwnRepository()))) {
			JobRepository repository = context.getBean(JobRepository.class);
			long instance = repository.getJobExecution(failed).getJobInstance().getInstanceId();
			assertThat(repository.getJobExecution(continued).getJobInstance().getInstanceId())
				.as("the failed run with the same parameters, restarted").isEqualTo(instance);
			assertThat(repository.getJobExecution(other).getJobInstance().getInstanceId())
				.as("other parameters: a new instance").isNotEqualTo(instance);
		}
		assertThat(run(with("backfillJob", "--scheduled", "--restart"))).isEqualTo(2);
	}

	@Test
	void restartWithNothingFailedIsABadRequest() {
		assertThat(run(with("finalityJob"))).isZero();

		assertThat(run(with("finalityJob", "--restart"))).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("no failed or stopped last execution");
	}

	/** The configuration with a job repository of its own, so the other tests' failed executions stay apart. */
	private static String[] inOwnRepository(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		for (String option : CONFIG) {
			all.add(option.startsWith("--spring.datasource.url=")
					? "--spring.datasource.url=jdbc:h2:mem:run-command-restarts;DB_CLOSE_DELAY=-1" : option);
		}
		return all.toArray(String[]::new);
	}

	/** The execution id the last run printed. */
	private long lastExecutionId() {
		List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
		String last = lines.get(lines.size() - 1);
		return Long.parseLong(last.replaceAll(".* execution (\\d+): .*", "$1"));
	}

	/** The configuration with the embedded MongoDB on {@code port} instead of any free port. */
	private static String[] onPort(int port, String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		for (String option : CONFIG) {
			all.add(option.equals("--sync.mongodb.embedded.port=0") ? "--sync.mongodb.embedded.port=" + port : option);
		}
		return all.toArray(String[]::new);
	}

	@Test
	void usesTheEmbeddedMongoServerTheRunningApplicationStarted() {
		try (EmbeddedMongoServer running = new EmbeddedMongoServer("127.0.0.1", 0, null)) {
			try (MongoClient client = MongoClients.create(running.connectionString("coupon_sync"))) {
				client.getDatabase("coupon_sync").getCollection("probe").insertOne(new Document("_id", "theirs"));
			}
			String[] springArgs = onPort(running.port());
			try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, List.of(springArgs))) {
				assertThat(context.getBean(MongoStoreConfiguration.EmbeddedMongoServerHolder.class).attached())
					.isTrue();
				assertThat(context.getBean(MongoClient.class).getDatabase("coupon_sync").getCollection("probe").find()
					.first()).containsEntry("_id", "theirs");
			}

			int code = run(onPort(running.port(), "applyEventsJob"));

			assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
			assertThat(out.toString(StandardCharsets.UTF_8)).contains("applyEventsJob execution").contains("COMPLETED");
		}
	}

	@Test
	void saysInOneLineWhyItCannotStart(CapturedOutput output) throws Exception {
		try (ServerSocket notMongo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			int code = run(onPort(notMongo.getLocalPort(), "applyEventsJob"));

			assertThat(code).isEqualTo(1);
			assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
				.startsWith("run: applyEventsJob could not start: sync.mongodb.embedded = '127.0.0.1:"
						+ notMongo.getLocalPort() + "': the embedded MongoDB server cannot start: ")
				.containsIgnoringCase("address already in use");
			assertThat(output.getAll()).doesNotContain("APPLICATION FAILED TO START", "Application run failed",
					"\tat ");
		}
	}

	@Test
	void saysInOneLineWhyAnExecutionFailed(CapturedOutput output) {
		int code = run(with("backfillJob", "--sync.solana.max-attempts=1"));

		assertThat(code).isEqualTo(1);
		assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("backfillJob execution \\d+: FAILED");
		assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
			.matches("run: backfillJob execution \\d+ FAILED: cannot reach the Solana RPC at http://127.0.0.1:9: "
					+ "connection refused \\(getSignaturesForAddress, 1 attempt\\)");
		assertThat(output.getAll()).as("the stack trace is in the job repository").doesNotContain("\tat ");
	}

	/**
	 * reconcileJob has two triggers: every few seconds without parameters, every few hours with mode=full. A failed
	 * full run is continued by the full trigger only; restarted by the other, it would stand in for the incremental
	 * run at every fire.
	 */
	@Test
	void aLaunchRestartsAFailedExecutionOnlyWhenItRanWithTheSameParameters() throws Exception {
		try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class,
				List.of(with("--sync.solana.max-attempts=1")))) {
			JobRepository repository = context.getBean(JobRepository.class);
			JobRunner runner = context.getBean(JobRunner.class);
			JobParameters full = new JobParametersBuilder().addString("mode", "full").toJobParameters();
			long failedFull = failedExecution(repository, "reconcileJob", full).getJobInstance().getInstanceId();

			JobExecution incremental = runner.launch("reconcileJob", new JobParameters()).execution();

			assertThat(incremental.getJobInstance().getInstanceId()).as("a new instance").isNotEqualTo(failedFull);
			assertThat(incremental.getJobParameters().getString("mode")).isNull();

			long failedAgain = failedExecution(repository, "reconcileJob", full).getJobInstance().getInstanceId();
			// the incremental trigger fires many times before the full one fires again
			failedExecution(repository, "reconcileJob", new JobParameters());
			runner.launch("reconcileJob", new JobParameters());
			JobExecution fullRun = runner.launch("reconcileJob", full).execution();

			assertThat(fullRun.getJobInstance().getInstanceId()).as("the failed full run, restarted")
				.isEqualTo(failedAgain);
		}
	}

	/** An execution that failed, as the job repository keeps it: ended, FAILED. */
	private static JobExecution failedExecution(JobRepository repository, String job, JobParameters parameters) {
		JobParameters instance = new JobParametersBuilder(parameters).addLong("run.id", System.nanoTime())
			.toJobParameters();
		JobExecution execution = repository.createJobExecution(repository.createJobInstance(job, instance), instance,
				new ExecutionContext());
		execution.setStartTime(LocalDateTime.now().minusMinutes(1));
		execution.setEndTime(LocalDateTime.now());
		execution.setStatus(BatchStatus.FAILED);
		execution.setExitStatus(org.springframework.batch.core.ExitStatus.FAILED);
		repository.update(execution);
		return execution;
	}

	@Test
	void leavesAnExecutionAloneWhileItsProcessRenewsItsLeaseAndRecoversItOnceTheLeaseExpired() {
		long id;
		try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, List.of(CONFIG))) {
			// another process's execution, running (the in-memory repository outlives contexts, as a file does)
			JobRepository repository = context.getBean(JobRepository.class);
			JobParameters parameters = new JobParametersBuilder().addLong("run.id", System.nanoTime())
				.toJobParameters();
			JobExecution execution = repository.createJobExecution(
					repository.createJobInstance("finalityJob", parameters), parameters, new ExecutionContext());
			execution.setStatus(BatchStatus.STARTED);
			execution.setStartTime(LocalDateTime.now());
			repository.update(execution);
			id = execution.getId();
			context.getBean(JdbcTemplate.class).update("insert into job_lease (lease_name, owner, token, job_name, "
					+ "acquired_at, heartbeat_at, expires_at) values ('read-model', 'other-host:42:x', 't', "
					+ "'finalityJob', 0, 0, ?)", Instant.now().plusSeconds(600).toEpochMilli());
		}

		assertThat(run(with("finalityJob"))).as("its lease is live").isEqualTo(3);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("other-host:42:x");
		try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, List.of(CONFIG))) {
			assertThat(context.getBean(JobRepository.class).getJobExecution(id).getStatus())
				.as("running in the other process").isEqualTo(BatchStatus.STARTED);
			context.getBean(JdbcTemplate.class).update("update job_lease set expires_at = ?",
					Instant.now().minusSeconds(1).toEpochMilli());
		}
		try (ConfigurableApplicationContext context = CommandContext.start(JobsApplication.class, List.of(CONFIG))) {
			assertThat(context.getBean(JobRepository.class).getJobExecution(id).getStatus())
				.as("left STARTED by a process whose lease expired").isEqualTo(BatchStatus.FAILED);
		}
	}
}
