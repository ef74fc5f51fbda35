package io.couponsync.jobs.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/** The signature crawler against the simulator over HTTP: nothing the chain confirmed stays unstaged. */
@SpringBatchTest
@JobsIntegrationTest
@TestPropertySource(properties = { "sync.jobs.backfill.chunk-size=100", "sync.solana.max-attempts=2",
		"spring.datasource.url=jdbc:h2:mem:backfill-it;DB_CLOSE_DELAY=-1" })
class BackfillJobIT {

	private static final SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings
		.manual(SolanaSimulator.bundledIdl()).withWorkload(new MarketplaceWorkload.Options(0.1, 0.2, 0.02, 0)));

	@DynamicPropertySource
	static void solana(DynamicPropertyRegistry registry) {
		SimulatorProperties.register(registry, simulator);
	}

	@Autowired
	private JobRunner runner;

	@Autowired
	private Job backfillJob;

	@Autowired
	private Job applyEventsJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private CoverageRepository coverage;

	@Autowired
	private io.micrometer.core.instrument.MeterRegistry meters;

	@AfterAll
	static void stop() {
		simulator.close();
	}

	@BeforeEach
	void clean() {
		database().drop();
		staging.createIndexes();
		repository.removeJobExecutions();
		simulator.faults().answerTooManyRequestsShare(0).answerTooManyRequests(0).historyFromSlot(0)
			.failCalls("getTransaction", 0);
		simulator.metrics().reset();
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	private MongoCollection<Document> staged() {
		return database().getCollection("staged_transactions");
	}

	private BatchStatus crawl() throws Exception {
		JobExecution execution = runner.run(backfillJob, new JobParameters());
		return execution.getStatus();
	}

	private static List<LedgerTransaction> confirmed() {
		long confirmed = simulator.ledger().slot(Commitment.CONFIRMED);
		return simulator.ledger().transactions().stream().filter(t -> t.slot() <= confirmed).toList();
	}

	private static void land(int slots, int perSlot) {
		for (int slot = 0; slot < slots; slot++) {
			simulator.runWorkload(perSlot);
			simulator.advanceSlots(1);
		}
	}

	@Test
	void keepsTheCommitmentTheListingReportsAndStagesAgainADroppedTransactionItListsAgain() throws Exception {
		land(60, 10);
		long finalized = simulator.ledger().slot(Commitment.FINALIZED);
		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		for (LedgerTransaction transaction : confirmed()) {
			assertThat(staged().find(new Document("_id", transaction.signature())).first().getString("commitment"))
				.as("slot %d, finalized %d", transaction.slot(), finalized)
				.isEqualTo(transaction.slot() <= finalized ? "finalized" : "confirmed");
		}
		LedgerTransaction listedAgain = confirmed().stream()
			.filter(t -> !t.failed() && !simulator.groundTruth().events(t).events().isEmpty())
			.reduce((first, second) -> second).orElseThrow();
		// as if a fork had dropped it wrongly: the chain lists it again, so it must be staged again
		staging.drop(List.of(listedAgain.signature()));

		assertThat(runner.run(backfillJob, new org.springframework.batch.core.job.parameters.JobParametersBuilder()
			.addLong("fromSlot", listedAgain.slot()).toJobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		Document revived = staged().find(new Document("_id", listedAgain.signature())).first();
		assertThat(revived.getString("status")).isEqualTo("received");
		assertThat(revived.get("revivedAt")).isNotNull();

		// staged again, it is applied to the read model like any other
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staged().find(new Document("_id", listedAgain.signature())).first().getString("status"))
			.isEqualTo("applied");
		assertThat(database().getCollection("chain_events").countDocuments(
				new Document("signature", listedAgain.signature())))
			.as("its events are in the log").isEqualTo(simulator.groundTruth().events(listedAgain).events().size());
	}

	@Test
	void stagesEveryConfirmedTransactionOnceWithInnerInstructions() throws Exception {
		land(60, 10);

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);

		Map<String, Document> stagedBySignature = new HashMap<>();
		staged().find().forEach(document -> stagedBySignature.put(document.getString("_id"), document));
		List<LedgerTransaction> confirmed = confirmed();
		assertThat(stagedBySignature).hasSize(confirmed.size());
		for (LedgerTransaction transaction : confirmed) {
			Document document = stagedBySignature.get(transaction.signature());
			assertThat(document.getString("source")).isEqualTo("backfill");
			assertThat(document.getLong("slot")).isEqualTo(transaction.slot());
			assertThat(document.getList("logs", String.class)).isEqualTo(transaction.draft().logs());
			assertThat(document.getList("innerInstructions", Document.class)).hasSize(
					transaction.draft().innerInstructions().values().stream().mapToInt(List::size).sum());
		}
		CoverageRepository.CrawlCheckpoint checkpoint = coverage.crawlCheckpoint().orElseThrow();
		LedgerTransaction newestFinalized = simulator.ledger().transactions().stream()
			.filter(t -> t.slot() <= simulator.ledger().slot(Commitment.FINALIZED))
			.reduce((first, second) -> second).orElseThrow();
		assertThat(checkpoint.signature()).as("the newest finalized, never a merely confirmed one")
			.isEqualTo(newestFinalized.signature());
		// the simulator's ledger holds the transactions of the tests before this one too
		assertThat(simulator.metrics().calls("getSignaturesForAddress")).as("full pages of 1,000, then an empty one")
			.isEqualTo((confirmed.size() + 999) / 1000 + 1);
	}

	@Test
	void fetchesOnlyWhatStagingLacksAndStopsAtTheCheckpoint() throws Exception {
		land(50, 10);
		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		land(5, 10);
		List<LedgerTransaction> fresh = new ArrayList<>(confirmed());
		// the listener has staged some of the new ones already
		List<LedgerTransaction> notified = fresh.subList(fresh.size() - 10, fresh.size());
		staging.insertIfAbsent(notified.stream().map(t -> io.couponsync.chain.staging.StagedTransaction.fromWebSocket(
				t.signature(), t.slot(), null, t.draft().logs(), java.time.Instant.now())).toList());
		long stagedBefore = staged().countDocuments();
		simulator.metrics().reset();

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(staged().countDocuments()).isEqualTo(fresh.size());
		assertThat(simulator.metrics().calls("getTransaction")).as("only the missing ones")
			.isEqualTo(fresh.size() - stagedBefore);
		assertThat(staged().countDocuments(new Document("source", "websocket"))).as("left as staged").isEqualTo(10);
	}

	@Test
	void refetchesTransactionsWhoseEmitCpiEventsTheNotificationCouldNotCarry() throws Exception {
		land(40, 10);
		LedgerTransaction withCpiEvents = firstWithCpiEvents();
		refetchThenApply(withCpiEvents, withCpiEvents.draft().logs());

		assertThat(database().getCollection("chain_events").countDocuments(
				new Document("signature", withCpiEvents.signature())))
			.isEqualTo(simulator.groundTruth().events(withCpiEvents).events().size());
	}

	@Test
	void refetchesATransactionWhoseLogsWereTruncatedBeforeTheProgramInvokedItself() throws Exception {
		land(40, 10);
		LedgerTransaction withCpiEvents = firstWithCpiEvents();
		// why: the runtime cuts logs at its byte limit, here before the self-invocation line the decoder looks for
		List<String> truncated = List.of(withCpiEvents.draft().logs().get(0), "Log truncated");
		refetchThenApply(withCpiEvents, truncated);

		// the node's copy here has whole logs, so every event comes back; on a real node only the inner
		// instructions' (emit_cpi!) ones would, the rest left to the account re-sync truncation asks for
		assertThat(database().getCollection("chain_events").countDocuments(
				new Document("signature", withCpiEvents.signature())))
			.isEqualTo(simulator.groundTruth().events(withCpiEvents).events().size());
	}

	@Test
	void aFlaggedTransactionTheNodeDoesNotHaveDoesNotStarveTheOthers() throws Exception {
		land(40, 10);
		LedgerTransaction withCpiEvents = firstWithCpiEvents();
		// a full batch of flagged transactions the node does not have (pruned), before the real one in _id order
		List<String> unknown = new ArrayList<>();
		java.util.Random random = new java.util.Random(5);
		for (int i = 0; i < 100; i++) {
			byte[] signature = new byte[64];
			random.nextBytes(signature);
			signature[0] = 0;
			signature[1] = 0;
			unknown.add(io.couponsync.chain.Base58.encode(signature));
		}
		assertThat(unknown).allMatch(signature -> signature.compareTo(withCpiEvents.signature()) < 0);
		staging.insertIfAbsent(unknown.stream().map(signature -> io.couponsync.chain.staging.StagedTransaction
			.fromWebSocket(signature, 1, null, List.of("Program log: pruned since"), java.time.Instant.now())).toList());
		staged().updateMany(new Document("_id", new Document("$in", unknown)),
				new Document("$set", new Document("needsRefetch", true)));
		staging.insertIfAbsent(List.of(io.couponsync.chain.staging.StagedTransaction.fromWebSocket(
				withCpiEvents.signature(), withCpiEvents.slot(), null, withCpiEvents.draft().logs(),
				java.time.Instant.now())));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staged().find(new Document("_id", withCpiEvents.signature())).first().getBoolean("needsRefetch"))
			.as("a refetch takes 100: this run tried the unknown ones").isTrue();

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staged().find(new Document("_id", withCpiEvents.signature())).first().containsKey("needsRefetch"))
			.as("tried before the ones tried already").isFalse();
		assertThat(staged().countDocuments(new Document("needsRefetch", true))).isEqualTo(100);
	}

	private LedgerTransaction firstWithCpiEvents() {
		return simulator.ledger().transactions().stream()
			.filter(t -> !t.failed() && simulator.groundTruth().events(t).events().stream()
				.anyMatch(e -> e.source() == io.couponsync.chain.logs.DecodedEvent.Source.CPI))
			.findFirst().orElseThrow();
	}

	/** Stages the transaction as a notification with these logs, applies it, crawls (the refetch) and applies again. */
	private void refetchThenApply(LedgerTransaction transaction, List<String> notifiedLogs) throws Exception {
		staging.insertIfAbsent(List.of(io.couponsync.chain.staging.StagedTransaction.fromWebSocket(
				transaction.signature(), transaction.slot(), null, notifiedLogs, java.time.Instant.now())));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staged().find(new Document("_id", transaction.signature())).first().getBoolean("needsRefetch"))
			.isTrue();

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		Document refetched = staged().find(new Document("_id", transaction.signature())).first();
		assertThat(refetched.containsKey("needsRefetch")).isFalse();
		assertThat(refetched.getString("status")).isEqualTo("received");
		assertThat(refetched.getList("innerInstructions", Document.class)).isNotEmpty();

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void aRestartAfterTheCrawlCompletedAndTheRefetchFailedMovesTheCheckpointAndFillsTheGapsOfThatCrawl()
			throws Exception {
		land(50, 2);
		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		CoverageRepository.CrawlCheckpoint before = coverage.crawlCheckpoint().orElseThrow();
		long gapFrom = simulator.ledger().slot() + 1;
		land(10, 5);
		coverage.listener("default").openGap(gapFrom, "disconnected");
		coverage.listener("default").closeGap(gapFrom + 3);
		land(5, 5);
		// the listener staged everything new, one of them to be fetched again: the crawl needs no getTransaction
		staging.insertIfAbsent(confirmed().stream().map(t -> io.couponsync.chain.staging.StagedTransaction
			.fromWebSocket(t.signature(), t.slot(), null, t.draft().logs(), java.time.Instant.now())).toList());
		staging.flagForRefetch(List.of(confirmed().get(confirmed().size() - 1).signature()));
		simulator.faults().failCalls("getTransaction", 1);

		assertThat(crawl()).as("the crawl completed, the refetch failed").isEqualTo(BatchStatus.FAILED);
		assertThat(coverage.crawlCheckpoint().orElseThrow()).isEqualTo(before);
		assertThat(coverage.unfilledGaps()).isEqualTo(1);
		simulator.metrics().reset();

		assertThat(crawl()).as("the restart runs the refetch only").isEqualTo(BatchStatus.COMPLETED);

		assertThat(simulator.metrics().calls("getSignaturesForAddress")).isZero();
		assertThat(simulator.metrics().calls("getTransaction")).isEqualTo(1);
		LedgerTransaction newestFinalized = simulator.ledger().transactions().stream()
			.filter(t -> t.slot() <= simulator.ledger().slot(Commitment.FINALIZED))
			.reduce((first, second) -> second).orElseThrow();
		assertThat(coverage.crawlCheckpoint().orElseThrow().signature()).as("the completed crawl's checkpoint")
			.isEqualTo(newestFinalized.signature()).isNotEqualTo(before.signature());
		assertThat(coverage.unfilledGaps()).as("the gap the completed crawl covered").isZero();
	}

	@Test
	void fillsTheListenerGapsItCovered() throws Exception {
		long gapFrom = simulator.ledger().slot() + 2;
		land(10, 5);
		coverage.listener("default").openGap(gapFrom, "disconnected");
		coverage.listener("default").closeGap(gapFrom + 3);
		land(3, 5);
		coverage.listener("other").openGap(simulator.ledger().slot() - 10, "still disconnected");
		assertThat(coverage.unfilledGaps()).isEqualTo(2);

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(coverage.unfilledGaps()).as("the covered one is filled, the open one stays").isEqualTo(1);
		assertThat(meters.get("sync.backfill.gaps.unfilled.slots").gauge().value())
			.as("the still-open gap, up to the tip").isGreaterThan(0);
		assertThat(meters.get("sync.backfill.lag.slots").gauge().value()).isBetween(0.0, 2.0);
	}

	/** A listener down while crawls went on: its gap begins below the checkpoint the crawls have moved past it. */
	@Test
	void fillsAGapThatBeganBelowTheCheckpoint() throws Exception {
		land(50, 5);
		long gapFrom = simulator.ledger().slot(Commitment.FINALIZED) - 5;
		coverage.listener("default").openGap(gapFrom, "disconnected");
		land(50, 5);
		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(coverage.crawlCheckpoint().orElseThrow().slot()).isGreaterThan(gapFrom);
		coverage.listener("default").closeGap(simulator.ledger().slot());
		land(5, 5);

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(coverage.unfilledGaps()).isZero();
	}

	@Test
	void continuesAFailedCrawlWithoutDuplicates() throws Exception {
		land(80, 10);
		simulator.faults().answerTooManyRequestsShare(0.35);

		BatchStatus first = crawl();
		long stagedAfterFailure = staged().countDocuments();
		simulator.faults().answerTooManyRequestsShare(0);
		simulator.metrics().reset();
		BatchStatus second = crawl();

		assertThat(first).isEqualTo(BatchStatus.FAILED);
		assertThat(stagedAfterFailure).isLessThan(confirmed().size());
		assertThat(second).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staged().countDocuments()).isEqualTo(confirmed().size());
		// why: staging's unique _id would hide a transaction fetched twice; what the continued crawl asks the node
		// for shows it: only those the failed one had not staged
		assertThat(simulator.metrics().calls("getTransaction")).as("fetched by the continued crawl")
			.isEqualTo(confirmed().size() - stagedAfterFailure);
	}

	/**
	 * A node whose ledger was pruned above the checkpoint answers an empty page below its oldest block, as it does
	 * below a signature it does not know: taken for the checkpoint, the crawl would move it past transactions never
	 * listed, and no later crawl would walk below it again.
	 */
	@Test
	void failsRatherThanMoveTheCheckpointPastHistoryTheNodeNoLongerHas() throws Exception {
		land(50, 10);
		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		CoverageRepository.CrawlCheckpoint checkpoint = coverage.crawlCheckpoint().orElseThrow();
		land(50, 10);
		simulator.faults().historyFromSlot(checkpoint.slot() + 20);

		JobExecution pruned = runner.run(backfillJob, new JobParameters());

		assertThat(pruned.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(pruned.getAllFailureExceptions()).anySatisfy(failure -> assertThat(
				org.assertj.core.util.Throwables.getRootCause(failure)).hasMessageContaining("lists nothing older"));
		assertThat(coverage.crawlCheckpoint()).as("the checkpoint stays").contains(checkpoint);

		// a node with the whole history again: the run continues down to the checkpoint, nothing missed
		simulator.faults().historyFromSlot(0);
		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.isEqualTo(confirmed().stream().map(LedgerTransaction::signature).collect(java.util.stream.Collectors.toSet()));
	}

	@Test
	void stagesAProgramsWholeHistoryOnFirstSync() throws Exception {
		land(1000, 50);
		simulator.advanceSlots(40);

		assertThat(crawl()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(staged().countDocuments()).isEqualTo(simulator.ledger().transactionCount())
			.isGreaterThanOrEqualTo(50_000);
		assertThat(simulator.metrics().calls("getSignaturesForAddress")).as("pages of 1,000, then an empty one")
			.isEqualTo((simulator.ledger().transactionCount() + 999) / 1000 + 1);
	}
}
