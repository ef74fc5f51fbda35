package io.couponsync.jobs.finality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.applyevents.GroundTruthComparison;
import io.couponsync.jobs.applyevents.LedgerStaging;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * Fork undo is a step of its own: a crash after any of its stages fails the step and the job (never a COMPLETED
 * job with a fork's effects left in place), and the restart finishes the undo — the read model ends equal to the
 * chain, the dropped transactions' events gone, the records of what to undo removed.
 */
@SpringBatchTest
@JobsIntegrationTest
@Import(ForkUndoRecoveryIT.CrashInjection.class)
@TestPropertySource(properties = { "spring.datasource.url=jdbc:h2:mem:fork-undo-recovery-it;DB_CLOSE_DELAY=-1" })
class ForkUndoRecoveryIT {

	private static SolanaSimulator simulator;

	@DynamicPropertySource
	static void solana(DynamicPropertyRegistry registry) {
		simulator = SimulatorProperties.startManual(registry);
	}

	/** Crashes the undo once, right after the armed stage. */
	@TestConfiguration
	static class CrashInjection {

		static final class CrashOnce implements ForkUndoTasklet.StageListener {

			private volatile String armed;

			void arm(String stage) {
				this.armed = stage;
			}

			@Override
			public void reached(String stage) {
				if (stage.equals(armed)) {
					armed = null;
					throw new IllegalStateException("crash injected after " + stage);
				}
			}
		}

		@Bean
		CrashOnce crashOnce() {
			return new CrashOnce();
		}
	}

	@Autowired
	private JobRunner runner;

	@Autowired
	private Job applyEventsJob;

	@Autowired
	private Job finalityJob;

	@Autowired
	private Job backfillJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private CrashInjection.CrashOnce crash;

	@BeforeEach
	void clean() {
		database().drop();
		staging.createIndexes();
		repository.removeJobExecutions();
	}

	@AfterEach
	void restartChain() {
		simulator = SimulatorProperties.restartManual(simulator);
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	private static void land(int slots, int perSlot) {
		for (int slot = 0; slot < slots; slot++) {
			simulator.runWorkload(perSlot);
			simulator.advanceSlots(1);
		}
	}

	/** The finality job's execution, wrapped (@SpringBatchTest reads JobExecution-returning methods as factories). */
	record Run(JobExecution execution) {

		BatchStatus status() {
			return execution.getStatus();
		}
	}

	private Run finality() throws Exception {
		return new Run(runner.run(finalityJob, new JobParameters()));
	}

	/** 40 finalized slots of 10 transactions and 8 unfinalized of 12, staged and applied; the first unfinalized. */
	private LedgerTransaction applyHistoryWithUnfinalizedTail() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		land(8, 12);
		staging.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		LedgerTransaction firstUnfinalized = simulator.ledger().transactions().stream()
			.filter(t -> t.slot() > simulator.ledger().slot(Commitment.FINALIZED)).findFirst().orElseThrow();
		return firstUnfinalized;
	}

	@ParameterizedTest
	@ValueSource(strings = { "planned", "accounts-read", "forgotten", "restored" })
	void aCrashAtAnyStageOfForkUndoIsFinishedByTheRestart(String stage) throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail();
		Set<String> dropped = simulator.dropByFork(firstUnfinalized).stream().map(LedgerTransaction::signature)
			.collect(Collectors.toSet());
		simulator.advanceSlots(80);
		crash.arm(stage);

		Run crashed = finality();

		assertThat(crashed.status()).as("the undo's failure fails the job").isEqualTo(BatchStatus.FAILED);
		assertThat(crashed.execution().getAllFailureExceptions().toString()).contains("crash injected after " + stage);
		assertThat(database().getCollection(ForkUndos.COLLECTION).countDocuments()).as("what is left to undo")
			.isEqualTo(dropped.size());

		Run restarted = finality();

		assertThat(restarted.status()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(restarted.execution().getJobInstanceId()).isEqualTo(crashed.execution().getJobInstanceId());
		assertThat(database().getCollection(ForkUndos.COLLECTION).countDocuments()).isZero();
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "dropped")))
			.isEqualTo(dropped.size());
		assertThat(database().getCollection("chain_events").countDocuments(Filters.in("signature", dropped)))
			.isZero();
		List<String> orphans = new ArrayList<>();
		assertThat(GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				orphans)).isEmpty();
		for (String orphan : orphans) {
			String[] parts = orphan.split("/");
			Document document = database().getCollection(parts[0]).find(new Document("_id", parts[1])).first();
			assertThat(document.getBoolean("orphaned", false) || parts[0].equals("redemption_tickets"))
				.as(orphan + " is marked orphaned").isTrue();
		}
	}

	/**
	 * An undo interrupted after it sent the transactions that landed again back to staging: the crawler fetches
	 * them and the apply job runs before finality does again. Applied then, their counts would stay in twice once
	 * the undo, run again, takes out what they wrote; so apply holds them back until the undo is done.
	 */
	@Test
	void transactionsAnInterruptedUndoSentBackWaitForItBeforeTheyAreApplied() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail();
		List<LedgerTransaction> forked = simulator.dropByFork(firstUnfinalized);
		List<String> relanded = simulator.reland(forked.subList(0, forked.size() / 2)).stream()
			.map(LedgerTransaction::signature).toList();
		simulator.advanceSlots(80);
		crash.arm("forgotten");
		assertThat(finality().status()).isEqualTo(BatchStatus.FAILED);

		assertThat(runner.run(backfillJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", relanded), Filters.eq("status", "received"))))
			.as("held back while their undo is pending").isEqualTo(relanded.size());

		assertThat(finality().status()).isEqualTo(BatchStatus.COMPLETED);
		for (Job job : List.of(backfillJob, applyEventsJob, finalityJob, applyEventsJob)) {
			assertThat(runner.run(job, new JobParameters()).getStatus()).as(job.getName())
				.isEqualTo(BatchStatus.COMPLETED);
		}

		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", relanded), Filters.eq("status", "applied")))).isEqualTo(relanded.size());
		assertThat(GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				new ArrayList<>())).isEmpty();
	}
}
