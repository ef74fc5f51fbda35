package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SettableClock;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * The fields the program sets to the Clock's {@code now} are the block time (program-semantics §0), which a log
 * notification does not carry: the apply job reads it per chunk for the transactions staged without it. Expected
 * times are the ledger's block times of the transactions' slots; the accounts are compared as well.
 */
@SpringBatchTest
@JobsIntegrationTest
@Import(SettableClock.Configuration.class)
@TestPropertySource(properties = { "sync.jobs.apply.chunk-size=25",
		"spring.datasource.url=jdbc:h2:mem:block-times;DB_CLOSE_DELAY=-1" })
class BlockTimesIT {

	/** The collections whose {@code createdAt} the program sets to {@code now} and an event announces. */
	private static final List<String> CREATED_WITH_AN_EVENT = List.of("promotions", "listings", "ratings", "comments",
			"comment_likes");

	/** The fields the program sets to {@code now} that the read model writes from the block time. */
	private static final Set<String> BLOCK_TIME_FIELDS = Set.of("createdAt", "updatedAt", "joinedAt", "startTime",
			"timestamp", "lastUpdated", "earnedAt", "lastActivity");

	private static SolanaSimulator simulator;

	@DynamicPropertySource
	static void solana(DynamicPropertyRegistry registry) {
		simulator = SimulatorProperties.startManual(registry);
	}

	@Autowired
	private JobRunner runner;

	@Autowired
	private Job applyEventsJob;

	@Autowired
	private Job finalityJob;

	@Autowired
	private Job reconcileJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private SettableClock clock;

	@BeforeEach
	void clean() {
		mongo.getDatabase("coupon_sync").drop();
		staging.createIndexes();
		repository.removeJobExecutions();
		// why: past any pause a previous test's RPC failure started
		clock.advance(Duration.ofHours(1));
	}

	@AfterEach
	void restartChain() {
		simulator = SimulatorProperties.restartManual(simulator);
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	/** Lands slots of {@code perSlot} transactions, confirmed, and stages them without their block time. */
	private static List<LedgerTransaction> landAndStageWithoutTimes(MongoStagingRepository staging, int slots,
			int perSlot) {
		List<LedgerTransaction> before = simulator.ledger().transactions();
		for (int slot = 0; slot < slots; slot++) {
			simulator.runWorkload(perSlot);
			simulator.ledger().advanceClock(7);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(simulator.ledger().config().confirmationDepth());
		List<LedgerTransaction> landed = new ArrayList<>(simulator.ledger().transactions());
		landed.removeAll(before);
		// why: with their positions, as a finality run records them, so that only the block time is missing
		staging.insertIfAbsent(LedgerStaging.staged(landed).stream().map(LedgerStaging::withoutBlockTime).toList());
		return landed;
	}

	private void apply() throws Exception {
		JobExecution execution = runner.run(applyEventsJob, new JobParameters());
		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	private Long stagedBlockTime(LedgerTransaction transaction) {
		Number time = database().getCollection("staged_transactions")
			.find(new Document("_id", transaction.signature())).first().get("blockTime", Number.class);
		return time == null ? null : time.longValue();
	}

	private long lackingCreatedAt() {
		return CREATED_WITH_AN_EVENT.stream().mapToLong(collection -> database().getCollection(collection)
			.countDocuments(Filters.exists("createdAt", false))).sum();
	}

	private long documents() {
		return CREATED_WITH_AN_EVENT.stream()
			.mapToLong(collection -> database().getCollection(collection).countDocuments()).sum();
	}

	private List<String> differencesFromTheChain() {
		return GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				new ArrayList<>());
	}

	@Test
	void readsTheBlockTimesOfEveryChunkOfALongBacklogSoCreationTimesAreWrittenWithTheEvents() throws Exception {
		List<LedgerTransaction> landed = landAndStageWithoutTimes(staging, 16, 12);
		long slots = landed.stream().map(LedgerTransaction::slot).distinct().count();
		int chunks = (landed.size() + 24) / 25;
		simulator.metrics().reset();

		apply();

		for (LedgerTransaction transaction : landed) {
			assertThat(stagedBlockTime(transaction)).as(transaction.signature())
				.isEqualTo(simulator.ledger().blockTime(transaction.slot()));
		}
		assertThat(simulator.metrics().calls("getBlockTime"))
			.as("each slot once, and again at most by each chunk that starts inside it").isBetween(slots, slots + chunks);
		assertThat(documents()).isPositive();
		assertThat(lackingCreatedAt()).as("every creation time written by the apply job").isZero();
		for (Document event : database().getCollection("chain_events").find()) {
			String signature = event.getString("_id").substring(0, event.getString("_id").indexOf(':'));
			assertThat(event.get("blockTime", Number.class).longValue()).as(signature)
				.isEqualTo(simulator.ledger().blockTime(simulator.ledger().transaction(signature).slot()));
		}
		assertThat(differencesFromTheChain()).isEmpty();
	}

	@Test
	void leavesTheTimesToTheAccountReadsWhileTheNodeFailsAndAsksAgainAfterAPause() throws Exception {
		// why: one transaction per slot leaves the block order nothing to read, so the only calls are getBlockTime
		List<LedgerTransaction> first = landAndStageWithoutTimes(staging, 60, 1);
		simulator.faults().answerTooManyRequests(1);
		simulator.metrics().reset();

		apply();

		assertThat(simulator.metrics().httpRequests()).as("one refused call, then none for the pause: %s",
				simulator.metrics().snapshot()).isEqualTo(1);
		assertThat(first).allSatisfy(transaction -> assertThat(stagedBlockTime(transaction)).isNull());
		assertThat(documents()).isPositive();
		assertThat(lackingCreatedAt()).isEqualTo(documents());
		assertThat(differencesFromTheChain()).as("nothing wrong, only missing")
			.allMatch(difference -> BLOCK_TIME_FIELDS.contains(difference.substring(difference.lastIndexOf(' ') + 1)));

		clock.advance(Duration.ofMinutes(1));
		List<LedgerTransaction> second = landAndStageWithoutTimes(staging, 10, 1);
		apply();
		assertThat(second).allSatisfy(transaction -> assertThat(stagedBlockTime(transaction))
			.isEqualTo(simulator.ledger().blockTime(transaction.slot())));

		// why: account reads compare what is final
		simulator.advanceSlots(40);
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(runner.run(reconcileJob, new JobParametersBuilder().addString("mode", "full").toJobParameters())
			.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(lackingCreatedAt()).as("the account reads filled the rest").isZero();
		assertThat(differencesFromTheChain()).isEmpty();
	}
}
