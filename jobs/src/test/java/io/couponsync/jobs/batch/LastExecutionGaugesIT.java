package io.couponsync.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SettableClock;
import io.couponsync.jobs.launch.RunJobCommand;

/**
 * The job gauges a long-running process publishes describe runs it never saw: as with CronJobs, each job runs in a
 * process of its own (the run command) that ends before any scrape, sharing only the job repository with this one,
 * which runs no job. And the finality gauges count what staging holds, whether or not a finality run counted it.
 */
@JobsIntegrationTest
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:last-execution-gauges;DB_CLOSE_DELAY=-1")
@Import(SettableClock.Configuration.class)
class LastExecutionGaugesIT {

	private static final String[] RUN_SETTINGS = { "--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
			"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
			"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.solana.max-attempts=1", "--sync.mongodb.embedded.port=0",
			"--sync.mongodb.embedded.file=", "--spring.datasource.url=jdbc:h2:mem:last-execution-gauges;DB_CLOSE_DELAY=-1" };

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private JobRepository repository;

	@Autowired
	private SettableClock clock;

	private static int runInItsOwnProcess(String job) {
		String[] args = new String[RUN_SETTINGS.length + 1];
		args[0] = job;
		System.arraycopy(RUN_SETTINGS, 0, args, 1, RUN_SETTINGS.length);
		ByteArrayOutputStream discarded = new ByteArrayOutputStream();
		PrintStream sink = new PrintStream(discarded, true, StandardCharsets.UTF_8);
		return RunJobCommand.run(JobsApplication.class, args, sink, sink);
	}

	private double gauge(String name, String job) {
		return meters.get(name).tag("job", job).gauge().value();
	}

	@Test
	void reportsEachJobsLastExecutionFromTheJobRepositoryWhoeverRanIt() {
		assertThat(runInItsOwnProcess("backfillJob")).as("the RPC does not answer").isEqualTo(1);
		assertThat(runInItsOwnProcess("retentionJob")).isZero();

		assertThat(gauge("sync.job.last.failed", "backfillJob")).isEqualTo(1);
		assertThat(gauge("sync.job.last.duration.seconds", "backfillJob")).isNotNaN().isNotNegative();
		assertThat(gauge("sync.job.last.completed.age.seconds", "backfillJob")).as("never completed").isNaN();
		assertThat(gauge("sync.job.last.failed", "retentionJob")).isZero();
		JobExecution retention = repository.getLastJobExecution(repository.getLastJobInstance("retentionJob"));
		// why: the repository holds local times, as the gauge reads them
		clock.set(retention.getEndTime().atZone(ZoneId.systemDefault()).toInstant().plusSeconds(42));
		assertThat(gauge("sync.job.last.completed.age.seconds", "retentionJob")).isEqualTo(42.0);
		assertThat(gauge("sync.job.last.skips", "retentionJob")).isZero();
		assertThat(gauge("sync.job.last.duration.seconds", "applyEventsJob")).as("never ran").isNaN();
		assertThat(gauge("sync.job.last.failed", "applyEventsJob")).isZero();
	}

	@Test
	void countsUnsettledTransactionsFromStagingWithoutAFinalityRun() {
		Instant now = Instant.parse("2026-06-01T12:00:00Z");
		staging.insertIfAbsent(List.of(StagedTransaction.fromWebSocket("unsettled-gauge-signature", 5, null,
				List.of("Program log: nothing"), now.minusSeconds(30))));
		clock.set(now);

		assertThat(meters.get("sync.finality.unresolved").gauge().value()).isEqualTo(1);
		assertThat(meters.get("sync.finality.unresolved.oldest.seconds").gauge().value()).isEqualTo(30);
	}
}
