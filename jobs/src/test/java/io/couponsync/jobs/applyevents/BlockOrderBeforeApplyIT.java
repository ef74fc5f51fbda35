package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
import io.couponsync.jobs.SettableClock;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * The apply job reads the block order of the slots it is about to apply where several transactions wait without
 * their position, so they are applied once, in the chain's order, not in signature order first and again when the
 * finality job reads the block. Expected values come from the simulator's ledger (where each transaction sits in its
 * block) and its accounts.
 */
@SpringBatchTest
@JobsIntegrationTest
@Import({ SettableClock.Configuration.class, BlockOrderBeforeApplyIT.CrashOnce.class })
@TestPropertySource(properties = { "sync.jobs.apply.block-order-slots=20", "sync.jobs.apply.chunk-size=500",
		"spring.datasource.url=jdbc:h2:mem:block-order-before-apply;DB_CLOSE_DELAY=-1" })
class BlockOrderBeforeApplyIT {

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
	private Job backfillJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private SettableClock clock;

	@Autowired
	private CrashOnce.Armed crash;

	@BeforeEach
	void clean() {
		mongo.getDatabase("coupon_sync").drop();
		staging.createIndexes();
		repository.removeJobExecutions();
		// why: past any pause a previous test's RPC failure started
		clock.advance(Duration.ofHours(1));
		crash.armed = false;
	}

	@AfterEach
	void restartChain() {
		simulator = SimulatorProperties.restartManual(simulator);
	}

	private MongoCollection<Document> stagedTransactions() {
		return mongo.getDatabase("coupon_sync").getCollection("staged_transactions");
	}

	/** Lands slots of 12 transactions, confirmed, and stages them as notifications do: position unknown. */
	private static void landAndStage(MongoStagingRepository staging, int slots) {
		landAndStage(staging, slots, 12);
	}

	private static void landAndStage(MongoStagingRepository staging, int slots, int perSlot) {
		List<LedgerTransaction> before = simulator.ledger().transactions();
		for (int slot = 0; slot < slots; slot++) {
			simulator.runWorkload(perSlot);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(simulator.ledger().config().confirmationDepth());
		List<LedgerTransaction> landed = new ArrayList<>(simulator.ledger().transactions());
		landed.removeAll(before);
		staging.insertIfAbsent(LedgerStaging.stagedWithoutPositions(landed));
	}

	private long applyAndCountWrites() throws Exception {
		JobExecution execution = runner.run(applyEventsJob, new JobParameters());
		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return execution.getStepExecutions().stream().filter(step -> step.getStepName().equals("applyEventsStep"))
			.findFirst().orElseThrow().getWriteCount();
	}

	private List<String> differencesFromTheChain() {
		return GroundTruthComparison.differences(mongo.getDatabase("coupon_sync"),
				simulator.groundTruth().accounts(Commitment.PROCESSED), new ArrayList<>());
	}

	private void assertEveryPositionIsTheLedgers(List<LedgerTransaction> transactions) {
		for (LedgerTransaction transaction : transactions) {
			assertThat(stagedTransactions().find(new Document("_id", transaction.signature())).first()
				.getInteger("positionInBlock")).as(transaction.signature()).isEqualTo(transaction.indexInBlock());
		}
	}

	@Test
	void appliesSameSlotTransactionsOnceInTheirBlockOrder() throws Exception {
		landAndStage(staging, 20);
		List<LedgerTransaction> transactions = simulator.ledger().transactions();
		long slots = transactions.stream().map(LedgerTransaction::slot).distinct().count();
		simulator.metrics().reset();

		long written = applyAndCountWrites();

		assertThat(differencesFromTheChain()).as("the read model after one apply run").isEmpty();
		assertEveryPositionIsTheLedgers(transactions);
		assertThat(written).as("each transaction applied once").isEqualTo(transactions.size());
		assertThat(simulator.metrics().calls("getBlock")).as("one per slot").isEqualTo(slots);
		assertThat(simulator.metrics().httpRequests()).as("one batch").isEqualTo(1);

		simulator.advanceSlots(40);
		simulator.metrics().reset();
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(simulator.metrics().calls("getBlock")).as("nothing left to order").isZero();
		assertThat(stagedTransactions().countDocuments(new Document("commitment", "finalized")))
			.isEqualTo(transactions.size());
		assertThat(applyAndCountWrites()).as("nothing sent back to be applied again").isZero();
		assertThat(differencesFromTheChain()).isEmpty();
	}

	/** The bound counts blocks read: slots with one transaction, nothing to order, take none of it. */
	@Test
	void leavesTheSlotsPastItsBoundToTheFinalityJob() throws Exception {
		landAndStage(staging, 10, 1);
		landAndStage(staging, 30);
		List<LedgerTransaction> transactions = simulator.ledger().transactions();
		Map<Long, Long> perSlot = transactions.stream()
			.collect(Collectors.groupingBy(LedgerTransaction::slot, TreeMap::new, Collectors.counting()));
		Set<LedgerTransaction> alone = transactions.stream().filter(t -> perSlot.get(t.slot()) == 1)
			.collect(Collectors.toSet());
		assertThat(alone).as("slots with nothing to order").isNotEmpty();
		List<Long> slots = perSlot.entrySet().stream().filter(slot -> slot.getValue() > 1).map(Map.Entry::getKey)
			.toList();
		Set<Long> firstTwenty = Set.copyOf(slots.subList(0, 20));
		simulator.metrics().reset();

		applyAndCountWrites();

		assertThat(simulator.metrics().calls("getBlock")).isEqualTo(20);

		for (LedgerTransaction transaction : transactions) {
			Integer position = stagedTransactions().find(new Document("_id", transaction.signature())).first()
				.getInteger("positionInBlock");
			if (firstTwenty.contains(transaction.slot())) {
				assertThat(position).as(transaction.signature()).isEqualTo(transaction.indexInBlock());
			}
			else if (alone.contains(transaction)) {
				assertThat(position).as("%s alone in its slot", transaction.signature()).isNull();
			}
			else {
				assertThat(position).as("%s past the 20 slots read", transaction.signature()).isNull();
			}
		}

		simulator.advanceSlots(40);
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(applyAndCountWrites()).as("the later slots' transactions, applied again in block order")
			.isPositive()
			.isLessThanOrEqualTo(transactions.stream()
				.filter(t -> !firstTwenty.contains(t.slot()) && !alone.contains(t)).count());

		assertEveryPositionIsTheLedgers(transactions.stream().filter(t -> !alone.contains(t)).toList());
		assertThat(differencesFromTheChain()).isEmpty();
	}

	@Test
	void appliesInSignatureOrderWhenTheRpcFailsAndAsksAgainOnlyAfterAPause() throws Exception {
		landAndStage(staging, 5);
		simulator.faults().answerTooManyRequests(1);
		simulator.metrics().reset();

		long firstWritten = applyAndCountWrites();

		assertThat(firstWritten).as("applied all the same").isEqualTo(simulator.ledger().transactionCount());
		assertThat(simulator.metrics().tooManyRequestsAnswered()).isEqualTo(1);
		assertThat(simulator.metrics().httpRequests()).as("one attempt, no retries").isEqualTo(1);
		assertThat(stagedTransactions().countDocuments(Filters.exists("positionInBlock"))).isZero();

		landAndStage(staging, 5);
		simulator.metrics().reset();
		applyAndCountWrites();
		assertThat(simulator.metrics().httpRequests()).as("paused: the next runs do not ask").isZero();

		clock.advance(Duration.ofMinutes(2));
		landAndStage(staging, 5);
		applyAndCountWrites();
		assertThat(simulator.metrics().calls("getBlock")).as("asks again after the pause").isPositive();
	}

	@Test
	void pausesWhileTheNodeGivesNoneOfTheBlocksAndLeavesThemToTheFinalityJob() throws Exception {
		landAndStage(staging, 5);
		simulator.faults().withholdBlocks(1_000);
		simulator.metrics().reset();

		applyAndCountWrites();

		assertThat(simulator.metrics().calls("getBlock")).isEqualTo(5);
		assertThat(stagedTransactions().countDocuments(Filters.exists("positionInBlock"))).isZero();
		assertThat(stagedTransactions().countDocuments(new Document("blockOrderPending", true)))
			.as("pending, for the finality job").isEqualTo(simulator.ledger().transactionCount());
		simulator.faults().withholdBlocks(0);
		landAndStage(staging, 5);
		simulator.metrics().reset();
		applyAndCountWrites();
		assertThat(simulator.metrics().calls("getBlock")).as("paused").isZero();

		simulator.advanceSlots(40);
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		applyAndCountWrites();
		assertEveryPositionIsTheLedgers(simulator.ledger().transactions());
		assertThat(differencesFromTheChain()).isEmpty();
	}

	/**
	 * What the crawler stages already finalized is flagged pending block order from its insert; ordered before it
	 * is applied, it leaves the finality job nothing to read.
	 */
	@Test
	void ordersWhatTheCrawlerStagedAlreadyFinalizedBeforeApplyingIt() throws Exception {
		for (int slot = 0; slot < 15; slot++) {
			simulator.runWorkload(12);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(40);
		assertThat(runner.run(backfillJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(stagedTransactions().countDocuments(new Document("blockOrderPending", true)))
			.isEqualTo(simulator.ledger().transactionCount());

		assertThat(applyAndCountWrites()).isEqualTo(simulator.ledger().transactionCount());

		assertThat(differencesFromTheChain()).isEmpty();
		assertEveryPositionIsTheLedgers(simulator.ledger().transactions());
		assertThat(stagedTransactions().countDocuments(new Document("blockOrderPending", true))).isZero();
		simulator.metrics().reset();
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(simulator.metrics().calls("getBlock")).as("nothing left pending").isZero();
	}

	/** A restarted execution orders what it is to apply as well: the step runs again, though it completed before. */
	@Test
	void aRestartedExecutionReadsTheBlockOrderOfWhatWasStagedMeanwhile() throws Exception {
		landAndStage(staging, 3);
		crash.armed = true;
		JobExecution crashed = runner.run(applyEventsJob, new JobParameters());
		assertThat(crashed.getStatus()).isEqualTo(BatchStatus.FAILED);
		landAndStage(staging, 3);

		JobExecution restarted = runner.run(applyEventsJob, new JobParameters());

		assertThat(restarted.getJobInstance().getInstanceId()).isEqualTo(crashed.getJobInstance().getInstanceId());
		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertEveryPositionIsTheLedgers(simulator.ledger().transactions());
		assertThat(differencesFromTheChain()).isEmpty();
	}

	/** Fails the apply step's first chunk once armed, as a crash would. */
	@TestConfiguration(proxyBeanMethods = false)
	static class CrashOnce {

		@Bean
		Armed armed() {
			return new Armed();
		}

		@Bean
		WriterCheckpoint crashingCheckpoint(Armed armed) {
			return reached -> {
				if (armed.armed && "events-logged".equals(reached)) {
					armed.armed = false;
					throw new IllegalStateException("simulated crash at " + reached);
				}
			};
		}

		static final class Armed {

			volatile boolean armed;
		}
	}
}
