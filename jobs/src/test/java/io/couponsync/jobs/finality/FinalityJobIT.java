package io.couponsync.jobs.finality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.bson.types.Binary;
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

import io.couponsync.chain.Base58;
import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.applyevents.GroundTruthComparison;
import io.couponsync.jobs.applyevents.LedgerStaging;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.simulator.GroundTruth;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceProgram;

/** finalityJob against the simulator: finalized when the cluster says so, undone when a fork dropped it. */
@SpringBatchTest
@JobsIntegrationTest
// why: the apply job leaves same-slot order to this job, as it does for what it cannot read first
@TestPropertySource(properties = { "sync.jobs.apply.block-order-slots=0",
		"spring.datasource.url=jdbc:h2:mem:finality-it;DB_CLOSE_DELAY=-1" })
@Import(FinalityJobIT.CrashInjection.class)
class FinalityJobIT {

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
	private io.micrometer.core.instrument.MeterRegistry meters;

	@Autowired
	private CrashInjection.CrashOnce crash;

	@BeforeEach
	void clean() {
		crash.disarm();
		database().drop();
		staging.createIndexes();
		repository.removeJobExecutions();
		simulator.metrics().reset();
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

	/**
	 * Lands 40 finalized slots of 10 transactions and {@code tailSlots} unfinalized ones of {@code perSlot}, stages
	 * and applies them all; returns the first unfinalized transaction, where a fork can start.
	 */
	private LedgerTransaction applyHistoryWithUnfinalizedTail(int tailSlots, int perSlot) throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		land(tailSlots, perSlot);
		stageAndApply();
		return simulator.ledger().transactions().stream()
			.filter(t -> t.slot() > simulator.ledger().slot(Commitment.FINALIZED)).findFirst().orElseThrow();
	}

	private void assertNoOrphanMarkOnAnAccountThatExists(Map<String, GroundTruth.Account> accounts) {
		for (String collection : Projections.COLLECTIONS) {
			database().getCollection(collection).find(Filters.eq("orphaned", true)).forEach(document -> assertThat(
					accounts).as("%s/%s is marked orphaned", collection, document.get("_id"))
				.doesNotContainKey(document.getString("_id")));
		}
	}

	/** Lands slots of 10 transactions, up to 400, until one matches; returns it, or null. */
	private LedgerTransaction landUntil(Predicate<LedgerTransaction> wanted) {
		for (int slot = 0; slot < 400; slot++) {
			land(1, 10);
			LedgerTransaction found = simulator.ledger().block(simulator.ledger().slot() - 1).stream().filter(wanted)
				.findFirst().orElse(null);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

	private void runFinality() throws Exception {
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	private void assertReadModelEqualsTheChain() {
		assertThat(GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				new ArrayList<>())).isEmpty();
	}

	private void stageAndApply() throws Exception {
		staging.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void finalizesWhatTheClusterFinalizedWithOneStatusCallPer256() throws Exception {
		land(60, 10);
		stageAndApply();
		simulator.advanceSlots(40);
		int total = simulator.ledger().transactionCount();
		simulator.metrics().reset();

		runFinality();

		assertThat(simulator.metrics().calls("getSignatureStatuses")).isEqualTo((total + 255) / 256);
		assertThat(meters.get("sync.finality.unresolved").gauge().value()).isZero();
		assertAllFinalized(total);
	}

	@Test
	void asksOnlyAboutTransactionsAtOrBelowTheFinalizedSlot() throws Exception {
		land(60, 10);
		stageAndApply();
		long finalizedSlot = simulator.ledger().slot(Commitment.FINALIZED);
		long settleable = simulator.ledger().transactions().stream().filter(t -> t.slot() <= finalizedSlot).count();
		assertThat(settleable).as("the test needs both kinds").isPositive()
			.isLessThan(simulator.ledger().transactionCount());
		simulator.metrics().reset();

		runFinality();

		assertThat(simulator.metrics().calls("getSignatureStatuses")).isEqualTo((settleable + 255) / 256);
		MongoCollection<Document> staged = database().getCollection("staged_transactions");
		assertThat(staged.countDocuments(new Document("commitment", "finalized"))).isEqualTo(settleable);
		assertThat(staged.countDocuments(Filters.and(Filters.gt("slot", finalizedSlot),
				Filters.eq("commitment", "confirmed")))).isEqualTo(simulator.ledger().transactionCount() - settleable);
		assertDocumentsFinalizedExactlyWhenTheirLastWriterIs(finalizedSlot);
	}

	/**
	 * A read-model document is final when the transaction that last wrote it is: one last written past the finalized
	 * slot stays confirmed, though settled transactions wrote it before.
	 */
	private void assertDocumentsFinalizedExactlyWhenTheirLastWriterIs(long finalizedSlot) {
		Set<String> settled = simulator.ledger().transactions().stream().filter(t -> t.slot() <= finalizedSlot)
			.map(LedgerTransaction::signature).collect(Collectors.toSet());
		Set<String> writtenBySettled = new HashSet<>();
		database().getCollection("staged_transactions").find(Filters.in("_id", settled)).forEach(transaction -> {
			Document written = transaction.get("writtenDocuments", new Document());
			written.forEach((collection, ids) -> ((List<?>) ids).forEach(id -> writtenBySettled.add(collection + "/" + id)));
		});
		int finalizedDocuments = 0;
		int keptConfirmedThoughASettledOneWroteThem = 0;
		for (String collection : Projections.COLLECTIONS) {
			for (Document document : database().getCollection(collection).find(Filters.exists("lastSignature"))) {
				boolean lastWriterSettled = settled.contains(document.getString("lastSignature"));
				assertThat(document.getString("commitment")).as(collection + " " + document.get("_id"))
					.isEqualTo(lastWriterSettled ? "finalized" : "confirmed");
				if (lastWriterSettled) {
					finalizedDocuments++;
				}
				else if (writtenBySettled.contains(collection + "/" + document.get("_id"))) {
					keptConfirmedThoughASettledOneWroteThem++;
				}
			}
		}
		assertThat(finalizedDocuments).as("documents last written by settled transactions").isPositive();
		assertThat(keptConfirmedThoughASettledOneWroteThem)
			.as("documents a settled transaction wrote, last written by one not settled").isPositive();
	}

	@Test
	void doesNotDropTransactionsANodeBehindTheFinalizedSlotDoesNotKnowYet() throws Exception {
		land(60, 10);
		stageAndApply();
		simulator.advanceSlots(40);
		int total = simulator.ledger().transactionCount();
		long events = database().getCollection("chain_events").countDocuments();
		simulator.faults().lagSignatureStatuses(simulator.ledger().slot());

		runFinality();

		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "dropped")))
			.isZero();
		assertThat(database().getCollection("fork_undos").countDocuments()).isZero();
		assertThat(database().getCollection("chain_events").countDocuments()).isEqualTo(events);

		simulator.faults().lagSignatureStatuses(0);

		runFinality();

		assertAllFinalized(total);
	}

	/** Every one of {@code total} staged transactions is final on chain, so everything they wrote is finalized. */
	private void assertAllFinalized(int total) {
		assertThat(database().getCollection("staged_transactions")
			.countDocuments(new Document("commitment", "finalized"))).isEqualTo(total);
		assertThat(database().getCollection("chain_events").countDocuments(new Document("commitment", "confirmed")))
			.isZero();
		for (String collection : Projections.COLLECTIONS) {
			assertThat(database().getCollection(collection).countDocuments(Filters.and(
					Filters.exists("lastSignature"), Filters.ne("commitment", "finalized"))))
				.as(collection).isZero();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "finality-events-marked", "finality-documents-marked" })
	void aCrashWhileFinalizingAChunkIsFinishedByTheRestart(String step) throws Exception {
		land(60, 10);
		stageAndApply();
		simulator.advanceSlots(40);
		int total = simulator.ledger().transactionCount();
		crash.arm(step, 2);

		JobExecution crashed = runner.run(finalityJob, new JobParameters());
		assertThat(crashed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(database().getCollection("staged_transactions")
			.countDocuments(new Document("commitment", "finalized"))).as("the first chunk only").isEqualTo(256);

		JobExecution restarted = runner.run(finalityJob, new JobParameters());

		assertThat(restarted.getJobInstance().getInstanceId()).isEqualTo(crashed.getJobInstance().getInstanceId());
		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertAllFinalized(total);
	}

	/**
	 * After the fork, one account the undo re-reads is in a layout the IDL cannot decode, and another address holds
	 * the system program's account (lamports sent to it): the undo finishes, leaving the first document as it is
	 * and marking the second orphaned, instead of failing at every run.
	 */
	@Test
	void finishesAnUndoWhoseAccountsNoLongerDecodeOrAreNoLongerThePrograms() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(6, 10);
		Set<String> dropped = simulator.dropByFork(firstUnfinalized).stream().map(LedgerTransaction::signature)
			.collect(Collectors.toSet());
		List<String[]> stillThere = new ArrayList<>();
		for (String collection : new java.util.TreeSet<>(Projections.COLLECTION_OF_ACCOUNT_TYPE.values())) {
			database().getCollection(collection).find(Filters.in("lastSignature", dropped)).forEach(document -> {
				var account = simulator.ledger().accounts(List.of(document.getString("_id")), Commitment.CONFIRMED)
					.accounts().get(0);
				if (account != null && !account.closed()) {
					stillThere.add(new String[] { collection, document.getString("_id") });
				}
			});
		}
		assertThat(stillThere).as("accounts the dropped transactions changed, there after the fork").hasSizeGreaterThan(1);
		String[] cut = stillThere.get(0);
		String[] taken = stillThere.get(1);
		byte[] data = simulator.ledger().accounts(List.of(cut[1]), Commitment.CONFIRMED).accounts().get(0).data();
		simulator.ledger().submit(new io.couponsync.simulator.ledger.TransactionDraft(List.of(cut[1]), 1, 0, List.of(),
				Map.of(), List.of(), null, 5000, 150, List.of(
						new io.couponsync.simulator.ledger.AccountWrite(cut[1], simulator.programId(), 2_000_000,
								java.util.Arrays.copyOf(data, 12)),
						new io.couponsync.simulator.ledger.AccountWrite(taken[1], "11111111111111111111111111111111",
								1_000_000, new byte[0])), List.of()));
		simulator.advanceSlots(80);

		runFinality();

		assertThat(database().getCollection(ForkUndos.COLLECTION).countDocuments()).as("undone").isZero();
		assertThat(database().getCollection(cut[0]).countDocuments(Filters.eq("_id", cut[1]))).isEqualTo(1);
		Document orphan = database().getCollection(taken[0]).find(Filters.eq("_id", taken[1])).first();
		assertThat(orphan.getBoolean("orphaned", false)).as(taken[0] + "/" + taken[1]).isTrue();
	}

	@Test
	void undoesAForkWithReadsNoNodeBehindTheDroppedTransactionsMayAnswer() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(8, 15);
		simulator.dropByFork(firstUnfinalized);
		simulator.advanceSlots(80);
		// every other account read reaches a node that has not got as far as the fork's first transaction
		simulator.faults().lagAccountReads(simulator.ledger().slot(Commitment.CONFIRMED) - firstUnfinalized.slot() + 1);

		runFinality();

		assertReadModelEqualsTheChain();
	}

	@Test
	void undoesEveryTransactionAForkDroppedAndFinalizesTheRest() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(8, 15);
		Set<String> dropped = simulator.dropByFork(firstUnfinalized).stream().map(LedgerTransaction::signature)
			.collect(Collectors.toSet());
		simulator.advanceSlots(80);
		simulator.metrics().reset();
		double droppedBefore = meters.counter("sync.finality.dropped").count();

		runFinality();

		assertThat(dropped).hasSizeGreaterThan(50);
		assertThat(meters.get("sync.finality.dropped").counter().count() - droppedBefore).isEqualTo(dropped.size());
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "dropped")))
			.isEqualTo(dropped.size());
		assertThat(database().getCollection("chain_events").countDocuments(Filters.in("signature", dropped)))
			.isZero();
		assertThat(database().getCollection("staged_transactions").countDocuments(
				new Document("commitment", "finalized"))).isEqualTo(simulator.ledger().transactionCount());

		List<String> orphans = new ArrayList<>();
		List<String> differences = GroundTruthComparison.differences(database(),
				simulator.groundTruth().accounts(Commitment.PROCESSED), orphans);
		assertThat(differences).isEmpty();
		for (String orphan : orphans) {
			String[] parts = orphan.split("/");
			Document document = database().getCollection(parts[0]).find(new Document("_id", parts[1])).first();
			assertThat(document.getBoolean("orphaned", false) || parts[0].equals("redemption_tickets"))
				.as(orphan + " is marked orphaned").isTrue();
			if (document.getBoolean("orphaned", false)) {
				// why: a seller's cancellation closes an auction account, with an event
				assertThat(document.getString("orphanReason")).isIn("dropped-by-fork", "closed");
			}
		}
		long reread = 0;
		for (String collection : Projections.COLLECTIONS) {
			if (!Projections.NOT_ACCOUNTS.contains(collection)) {
				reread += database().getCollection(collection).countDocuments(Filters.or(
						Filters.eq("lastSignature", "chain-resync"), Filters.eq("orphaned", true)));
			}
		}
		assertThat(simulator.metrics().calls("getMultipleAccounts")).as("ceil(%d / 100)", reread)
			.isLessThanOrEqualTo((reread + 99) / 100);
		assertThat(reread).isPositive();
		// fields no event writes (program-semantics §12), which a resync would leave to go stale
		Map<String, List<String>> accountOnly = Map.of(Projections.PROMOTIONS, List.of("description", "category"),
				Projections.GROUP_DEALS,
				List.of("maxParticipants", "discountTiers"), Projections.AUCTIONS,
				List.of("autoExtend", "minBidIncrement"));
		accountOnly.forEach((collection, fields) -> assertThat(database().getCollection(collection)
			.countDocuments(Filters.or(fields.stream().map(Filters::exists).toList())))
			.as("a resync writes only fields events maintain: %s %s", collection, fields).isZero());

		// what the resync read becomes final with the slot it was read at
		simulator.advanceSlots(80);
		runFinality();
		for (String collection : Projections.COLLECTIONS) {
			assertThat(database().getCollection(collection).countDocuments(Filters.and(
					Filters.eq("lastSignature", "chain-resync"), Filters.ne("commitment", "finalized"))))
				.as(collection).isZero();
		}
	}

	/**
	 * Lands 30 slots of 12 transactions, stages them as notifications do (no position in the block) and applies
	 * them, hence same-slot ones in signature order (the apply job reads no blocks here).
	 */
	private void applySameSlotTransactionsInSignatureOrder() throws Exception {
		land(30, 12);
		staging.insertIfAbsent(LedgerStaging.stagedWithoutPositions(simulator.ledger().transactions()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.exists("positionInBlock")))
			.isZero();
	}

	@Test
	void recordsBlockOrderOfSameSlotTransactionsAndAppliesThemInIt() throws Exception {
		applySameSlotTransactionsInSignatureOrder();
		List<String> inSignatureOrder = GroundTruthComparison.differences(database(),
				simulator.groundTruth().accounts(Commitment.PROCESSED), new ArrayList<>());
		assertThat(inSignatureOrder).as("same-slot transactions applied in signature order disagree with the chain")
			.isNotEmpty();
		long slots = simulator.ledger().transactions().stream().map(LedgerTransaction::slot).distinct().count();
		// final by the time the block is read: applied again, their documents must stay finalized
		simulator.advanceSlots(40);
		simulator.metrics().reset();

		runFinality();

		assertThat(simulator.metrics().calls("getBlock")).isBetween(1L, slots);
		for (LedgerTransaction transaction : simulator.ledger().transactions()) {
			assertThat(database().getCollection("staged_transactions").find(new Document("_id",
					transaction.signature())).first().getInteger("positionInBlock"))
				.as(transaction.signature()).isEqualTo(transaction.indexInBlock());
		}
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "received")))
			.as("applied transactions queued to be applied again in block order").isPositive();

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertReadModelEqualsTheChain();
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "applied")))
			.isEqualTo(simulator.ledger().transactionCount());
		for (String collection : Projections.COLLECTIONS) {
			assertThat(database().getCollection(collection).countDocuments(Filters.and(
					Filters.exists("lastSignature"), Filters.ne("commitment", "finalized"))))
				.as(collection).isZero();
		}
		assertOwnershipHistoriesHoldEachEventOnce();
		simulator.metrics().reset();
		runFinality();
		assertThat(simulator.metrics().calls("getBlock")).as("positions are read once").isZero();
	}

	/**
	 * A coupon's {@code transfers} hold each transfer, sale and auction sale of it once, also where the event was
	 * applied first in signature order and again in block order.
	 */
	private void assertOwnershipHistoriesHoldEachEventOnce() {
		Set<String> seen = new HashSet<>();
		long entries = 0;
		for (Document coupon : database().getCollection("coupons").find(Filters.exists("transfers"))) {
			for (Document entry : coupon.getList("transfers", Document.class)) {
				String order = entry.getString("order");
				String event = entry.getString("signature") + ":" + Integer.parseInt(order.substring(order.lastIndexOf('.') + 1));
				assertThat(seen.add(coupon.getString("_id") + "/" + event)).as("%s in %s's history twice", event,
						coupon.get("_id")).isTrue();
				entries++;
			}
		}
		long ownershipEvents = database().getCollection("chain_events")
			.countDocuments(Filters.in("name", "CouponTransferred", "CouponSold", "AuctionFinalized"));
		assertThat(entries).isPositive().isEqualTo(ownershipEvents);
	}

	/**
	 * A block the RPC does not give yet keeps its slot pending: the transactions in it may be finalized in the same
	 * run (and never settled again), yet a later run reads the block and applies them in its order.
	 */
	@Test
	void readsAgainLaterABlockTheRpcDidNotGiveAndAppliesItsTransactionsInItsOrder() throws Exception {
		applySameSlotTransactionsInSignatureOrder();
		simulator.advanceSlots(40);
		simulator.faults().withholdBlocks(1_000);

		runFinality();
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("commitment",
				"finalized"))).as("settled in the same run").isEqualTo(simulator.ledger().transactionCount());
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.exists("positionInBlock")))
			.isZero();
		simulator.faults().withholdBlocks(0);

		runFinality();
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		for (LedgerTransaction transaction : simulator.ledger().transactions()) {
			assertThat(database().getCollection("staged_transactions").find(new Document("_id",
					transaction.signature())).first().getInteger("positionInBlock"))
				.as(transaction.signature()).isEqualTo(transaction.indexInBlock());
		}
		assertReadModelEqualsTheChain();
	}

	@Test
	void settlesAtOnceSlotsWhoseBlocksTheNodeCleanedUpInsteadOfAskingForThemAtEveryRun() throws Exception {
		applySameSlotTransactionsInSignatureOrder();
		simulator.advanceSlots(40);
		simulator.faults().historyFromSlot(simulator.ledger().slot());
		simulator.metrics().reset();

		runFinality();

		assertThat(simulator.metrics().calls("getBlock")).isPositive();
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("blockOrderPending",
				true))).as("none left pending").isZero();
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("commitment",
				"finalized"))).isEqualTo(simulator.ledger().transactionCount());
		simulator.metrics().reset();

		runFinality();

		assertThat(simulator.metrics().calls("getBlock")).as("not asked again").isZero();
	}

	/**
	 * The crawler reaches transactions once they are final (a first crawl, or after the listener and the jobs were
	 * down for longer than finalization takes): staged finalized, they never pass through the settling of confirmed
	 * ones, yet their blocks must be read, or same-slot transactions keep signature order, and the read model what
	 * that order wrote. Seen in BlackBoxSyncProcessIT after a kill: a ticket redeemed in the slot it was generated
	 * in stayed unconsumed. (The apply job reads no blocks here; when it does, it orders what it reaches first.)
	 */
	@Test
	void readsTheBlockOrderOfTransactionsTheCrawlerStagedAlreadyFinalized() throws Exception {
		land(30, 12);
		simulator.advanceSlots(40);
		assertThat(runner.run(backfillJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("commitment",
				"finalized"))).isEqualTo(simulator.ledger().transactionCount());
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				new ArrayList<>())).as("same-slot transactions applied in signature order disagree with the chain")
			.isNotEmpty();

		runFinality();
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		for (LedgerTransaction transaction : simulator.ledger().transactions()) {
			assertThat(database().getCollection("staged_transactions").find(new Document("_id",
					transaction.signature())).first().getInteger("positionInBlock"))
				.as(transaction.signature()).isEqualTo(transaction.indexInBlock());
		}
		assertReadModelEqualsTheChain();
		simulator.metrics().reset();
		runFinality();
		assertThat(simulator.metrics().calls("getBlock")).as("no slot left pending").isZero();
	}

	/**
	 * The finality job meets transactions the cluster landed again before it confirms them: the accounts they
	 * create are not in the confirmed state the undo reads, so their documents are marked orphaned. Applied again
	 * once confirmed and fetched again, their events take the mark away.
	 */
	@Test
	void takesTheOrphanMarkAwayWhenATransactionLandedAgainCreatesTheAccountAgain() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(6, 10);
		List<LedgerTransaction> forked = simulator.dropByFork(firstUnfinalized);
		// why: the finality job settles only what is staged at or below the finalized slot; landed again after
		// that, they are not confirmed yet when it meets them
		simulator.advanceSlots(80);
		simulator.reland(forked);

		runFinality();
		long orphaned = 0;
		for (String collection : Projections.COLLECTIONS) {
			orphaned += database().getCollection(collection).countDocuments(Filters.eq("orphaned", true));
		}
		assertThat(orphaned).as("accounts created by transactions not confirmed again yet").isPositive();

		simulator.advanceSlots(80);
		// two rounds: the second applies them again in the block order the first round's finality run read
		for (int round = 0; round < 2; round++) {
			for (Job job : List.of(backfillJob, applyEventsJob, finalityJob)) {
				assertThat(runner.run(job, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
			}
		}
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.eq("status", "applied"), Filters.eq("commitment", "finalized"))))
			.isEqualTo(simulator.ledger().transactionCount());

		var accounts = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(GroundTruthComparison.differences(database(), accounts, new ArrayList<>())).isEmpty();
		assertNoOrphanMarkOnAnAccountThatExists(accounts);
	}

	/**
	 * Landed again, a transaction ran again — against the state the fork left — and failed this time. What the
	 * read model shows must be this second run (nothing), not the logs of the first one it was staged with.
	 */
	@Test
	void appliesWhatATransactionDidWhenItLandedAgainNotWhatItFirstDid() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(6, 10);
		List<LedgerTransaction> forked = simulator.dropByFork(firstUnfinalized);
		List<LedgerTransaction> succeededFirst = forked.stream().filter(t -> !t.failed()).limit(10).toList();
		List<String> relanded = simulator.relandFailing(succeededFirst).stream().map(LedgerTransaction::signature)
			.toList();
		simulator.advanceSlots(80);

		for (int round = 0; round < 2; round++) {
			for (Job job : List.of(finalityJob, backfillJob, applyEventsJob)) {
				assertThat(runner.run(job, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
			}
		}

		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", relanded), Filters.ne("err", null), Filters.eq("status", "applied"))))
			.as("staged again as they ran the second time").isEqualTo(relanded.size());
		assertThat(database().getCollection("chain_events").countDocuments(Filters.in("signature", relanded)))
			.as("a failed transaction has no effect").isZero();
		assertReadModelEqualsTheChain();
	}

	/**
	 * A seller's cancellation is applied before the auction's creation (its notification withheld, the crawler staged
	 * the creation later), so the auction's document holds nothing but what the cancellation wrote: its reason and
	 * the orphan mark. A fork then drops the cancellation for good. The account exists, so the undo must take the
	 * mark away even though the read rewrites no field the document holds — or the creation, applied later and older
	 * than the mark, never does, and the document stays orphaned as of a dropped transaction, never finalized.
	 */
	@Test
	void takesTheMarkOfADroppedCancellationAwayWhenTheAuctionsCreationIsAppliedAfterIt() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		LedgerTransaction cancellation = landUntil(this::cancelledBySeller);
		assertThat(cancellation).as("the workload cancels an auction").isNotNull();
		String auction = String.valueOf(eventsOf(cancellation, "AuctionCancelled").findFirst().orElseThrow().fields()
			.get("auction"));
		LedgerTransaction creation = simulator.ledger().transactions().stream()
			.filter(t -> eventsOf(t, "AuctionCreated").anyMatch(
					event -> auction.equals(String.valueOf(event.fields().get("auction")))))
			.findFirst().orElseThrow();
		staging.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions().stream()
			.filter(t -> !t.signature().equals(creation.signature())).toList()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(auctionDocument(auction).getBoolean("orphaned")).as("closed by the cancellation").isTrue();

		simulator.dropByFork(cancellation);
		simulator.advanceSlots(80);
		runFinality();
		assertThat(database().getCollection("staged_transactions").find(new Document("_id",
				cancellation.signature())).first().getString("status")).isEqualTo("dropped");

		staging.insertIfAbsent(LedgerStaging.staged(List.of(creation)));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		simulator.advanceSlots(80);
		runFinality();

		Document document = auctionDocument(auction);
		assertThat(document.get("orphaned")).as("the account exists").isNull();
		assertThat(document.getString("lastSignature")).isNotEqualTo(cancellation.signature());
		assertThat(document.getString("commitment")).isEqualTo("finalized");
		var accounts = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(accounts).containsKey(auction);
		assertThat(GroundTruthComparison.differences(database(), accounts, new ArrayList<>())).isEmpty();
		assertNoOrphanMarkOnAnAccountThatExists(accounts);
	}

	/**
	 * A fork drops a seller's cancellation of an auction created in an earlier slot. The auction is open again, as
	 * its creation left it: no cancel reason (null, as AuctionCreated sets it), not marked orphaned.
	 */
	@Test
	void givesAnAuctionWhoseCancellationAForkDroppedTheCancelReasonItsCreationSet() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		LedgerTransaction cancellation = landUntil(t -> cancelledBySeller(t) && createdBefore(t));
		assertThat(cancellation).as("the workload cancels an auction created in an earlier slot").isNotNull();
		String auction = String.valueOf(eventsOf(cancellation, "AuctionCancelled").findFirst().orElseThrow().fields()
			.get("auction"));
		stageAndApply();
		assertThat(auctionDocument(auction).getString("cancelReason")).isEqualTo("Cancelled by seller");

		simulator.dropByFork(cancellation);
		simulator.advanceSlots(80);
		runFinality();

		Document document = auctionDocument(auction);
		assertThat(document).as("cancel reason").containsEntry("cancelReason", null);
		assertThat(document.get("orphaned")).as("the account exists").isNull();
		var accounts = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(accounts).containsKey(auction);
		assertThat(GroundTruthComparison.differences(database(), accounts, new ArrayList<>())).isEmpty();
	}

	/** Whether the transaction is a seller's cancellation of an auction (which closes the account). */
	private boolean cancelledBySeller(LedgerTransaction transaction) {
		return !transaction.failed() && eventsOf(transaction, "AuctionCancelled").anyMatch(
				event -> "Cancelled by seller".equals(String.valueOf(event.fields().get("reason"))));
	}

	/** Whether the auction a cancellation cancels was created in an earlier slot (so a fork from it keeps it). */
	private boolean createdBefore(LedgerTransaction cancellation) {
		String auction = String.valueOf(eventsOf(cancellation, "AuctionCancelled").findFirst().orElseThrow().fields()
			.get("auction"));
		return simulator.ledger().transactions().stream().anyMatch(t -> t.slot() < cancellation.slot()
				&& eventsOf(t, "AuctionCreated").anyMatch(e -> auction.equals(String.valueOf(e.fields().get("auction")))));
	}

	/**
	 * A fork drops a sale for good. program-semantics.md, buy_listing: it writes Coupon.owner = buyer and
	 * Listing.is_active = false and emits CouponSold; the listing stays. Undone, the listing is active again and the
	 * coupon its seller's (account fields, re-read), and the read model's extras only CouponSold gave — buyer, sold
	 * price, fee — go with it: the sale never happened.
	 */
	@Test
	void takesOutWhatOnlyTheEventsOfADroppedTransactionGave() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		LedgerTransaction sale = landUntil(t -> !t.failed() && eventsOf(t, "CouponSold").findAny().isPresent()
				&& listedBefore(t));
		assertThat(sale).as("the workload sells a coupon listed in an earlier slot").isNotNull();
		String saleSignature = sale.signature();
		Map<String, Object> sold = eventsOf(sale, "CouponSold").findFirst().orElseThrow().fields();
		String listing = String.valueOf(sold.get("listing"));
		stageAndApply();
		Document before = database().getCollection(Projections.LISTINGS).find(new Document("_id", listing)).first();
		assertThat(before.getBoolean("isActive")).isFalse();
		assertThat(before.get("buyer")).isEqualTo(String.valueOf(sold.get("buyer")));

		simulator.dropByFork(sale);
		simulator.advanceSlots(80);
		runFinality();

		Document after = database().getCollection(Projections.LISTINGS).find(new Document("_id", listing)).first();
		assertThat(after.getBoolean("isActive")).as("listed, never sold").isTrue();
		assertThat(after.getString("seller")).isEqualTo(String.valueOf(sold.get("seller")));
		// what a listing holds before any sale: buyer and sold price null (CouponListed), no fee
		assertThat(after).as("buyer").containsEntry("buyer", null);
		assertThat(after).as("sold price").containsEntry("soldPrice", null);
		assertThat(after).as("fee").doesNotContainKey("marketplaceFee");
		assertThat(after.get("_versions", Document.class).values()).as("no change of the dropped sale is left")
			.noneMatch(version -> String.valueOf(version).contains(saleSignature));
		Document coupon = database().getCollection(Projections.COUPONS)
			.find(new Document("_id", String.valueOf(sold.get("coupon")))).first();
		assertThat(coupon.getString("owner")).as("the coupon is the seller's again")
			.isNotEqualTo(String.valueOf(sold.get("buyer")));
	}

	/**
	 * A fork drops an auto_award_badge for good. program-semantics §6.2: it appends the badge to the user's
	 * UserStats.badges_earned and raises reputation_score, and its BadgeEarned says neither. Undone, the user's stats
	 * are re-read, and the badge and its points go with the fork.
	 */
	@Test
	void takesTheBadgeAndPointsOfADroppedAwardOut() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		LedgerTransaction award = landUntil(t -> !t.failed() && eventsOf(t, "BadgeEarned")
			.anyMatch(event -> "AutoAwardBadge".equals(event.instruction())));
		assertThat(award).as("the workload awards a badge").isNotNull();
		Map<String, Object> earned = eventsOf(award, "BadgeEarned").findFirst().orElseThrow().fields();
		String stats = simulator.workload().program().userStatsAddress(String.valueOf(earned.get("user")));
		byte badge = badgeIndex(((EnumValue) earned.get("badge_type")).variant());
		stageAndApply();
		assertThat(badgesEarned(stats)).as("awarded").contains(badge);

		simulator.dropByFork(award);
		simulator.advanceSlots(80);
		runFinality();

		var accounts = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(GroundTruthComparison.differences(database(), accounts, new ArrayList<>())).isEmpty();
		if (accounts.containsKey(stats)) {
			assertThat(badgesEarned(stats)).as("never awarded").doesNotContain(badge);
		}
	}

	/**
	 * A later award appends to the badges a dropped award added; a node behind that later award cannot answer the
	 * undo's re-read (its state could not outrank the later award's version, and the dropped badge would stay).
	 */
	@Test
	void takesADroppedAwardsBadgeOutOfBadgesALaterAwardAppendedToWhileANodeBehindItAnswersEveryOtherRead()
			throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		List<String> needNothing = List.of("EarlyAdopter", "MerchantPartner", "CommunityModerator");
		LedgerTransaction award = null;
		String user = null;
		for (int slot = 0; slot < 400 && award == null; slot++) {
			land(1, 10);
			for (LedgerTransaction candidate : simulator.ledger().block(simulator.ledger().slot() - 1)) {
				Map<String, Object> earned = candidate.failed() ? null : eventsOf(candidate, "BadgeEarned")
					.filter(event -> "AutoAwardBadge".equals(event.instruction())).map(DecodedEvent::fields)
					.findFirst().orElse(null);
				// why: a user whose UserStats is final keeps it on the fork the award is dropped from
				if (earned != null && simulator.ledger().accounts(List.of(simulator.workload().program()
					.userStatsAddress(String.valueOf(earned.get("user")))), Commitment.FINALIZED).accounts().get(0) != null) {
					award = candidate;
					user = String.valueOf(earned.get("user"));
					break;
				}
			}
		}
		assertThat(award).as("the workload awards a badge to a user with final stats").isNotNull();
		String stats = simulator.workload().program().userStatsAddress(user);
		String dropped = ((EnumValue) eventsOf(award, "BadgeEarned").findFirst().orElseThrow().fields()
			.get("badge_type")).variant();
		stageAndApply();
		simulator.dropByFork(award);
		simulator.advanceSlots(2);
		String later = null;
		LedgerTransaction laterAward = null;
		for (String badge : needNothing) {
			try {
				laterAward = badge.equals(dropped) ? null : simulator.workload().awardBadge(user, badge);
			}
			catch (MarketplaceProgram.InstructionRejected held) {
				continue;
			}
			if (laterAward != null) {
				later = badge;
				break;
			}
		}
		assertThat(later).as("a badge needing nothing that the user does not hold").isNotNull();
		simulator.advanceSlots(1);
		stageAndApply();
		assertThat(badgesEarned(stats)).as("the dropped award's badge, then the later one's")
			.contains(badgeIndex(dropped), badgeIndex(later));
		simulator.advanceSlots(80);
		// the first account read reaches a node past the dropped award but behind the later one
		assertThat(laterAward.slot()).isGreaterThan(award.slot() + 1);
		simulator.faults().lagAccountReads(simulator.ledger().slot(Commitment.CONFIRMED) - award.slot() - 1);

		runFinality();

		assertThat(badgesEarned(stats)).as("the later award's badge only").contains(badgeIndex(later))
			.doesNotContain(badgeIndex(dropped));
		assertReadModelEqualsTheChain();
	}

	/**
	 * program-semantics §0: UserStats.joined_at is the time of the instruction that created the account, and UserStats
	 * is never closed. A fork drops the mint that created a new user's stats; a mint to the same user that landed
	 * after the fork, and was applied before the finality job saw the fork, created them on the surviving chain. Its
	 * event lost to the dropped mint's earlier version, and the undo takes that value out: once the undo's read is
	 * final, the user's join time is the later mint's block time — kept against a mint landed before that read and
	 * applied only after it (a late crawl), whose event's version is the earlier.
	 */
	@Test
	void givesBackAUsersJoinTimeFromTheMintThatCreatedItsStatsOnTheSurvivingChain() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		String user = wallet(7);
		String stats = simulator.workload().program().userStatsAddress(user);
		LedgerTransaction first = simulator.workload().mintCouponTo(user);
		simulator.advanceSlots(1);
		stageAndApply();
		assertThat(joinedAt(stats)).as("joined at the first mint").isEqualTo(first.blockTime());

		simulator.dropByFork(first);
		simulator.advanceSlots(10);
		LedgerTransaction second = simulator.workload().mintCouponTo(user);
		simulator.advanceSlots(5);
		LedgerTransaction late = simulator.workload().mintCouponTo(user);
		simulator.advanceSlots(1);
		staging.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions().stream()
			.filter(transaction -> !transaction.signature().equals(late.signature())).toList()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(second.blockTime()).isGreaterThan(first.blockTime());
		assertThat(joinedAt(stats)).as("the dropped mint's, the earlier").isEqualTo(first.blockTime());

		simulator.advanceSlots(80);
		runFinality();
		assertThat(database().getCollection("staged_transactions").find(new Document("_id", first.signature()))
			.first().getString("status")).isEqualTo("dropped");
		simulator.advanceSlots(80);
		simulator.metrics().reset();
		runFinality();

		assertThat(joinedAt(stats)).as("joined at the mint that created the stats on the surviving chain")
			.isEqualTo(second.blockTime());
		assertThat(simulator.metrics().calls("getMultipleAccounts")).as("one read at finalized").isEqualTo(1);
		String version = database().getCollection(Projections.USER_STATS).find(new Document("_id", stats)).first()
			.get("_versions", Document.class).getString("joinedAt");
		assertThat(version).as("a final read's version").contains("chain-reconcile");

		stageAndApply();
		assertThat(late.blockTime()).isGreaterThan(second.blockTime());
		assertThat(joinedAt(stats)).as("kept against an event applied late").isEqualTo(second.blockTime());
		assertReadModelEqualsTheChain();
	}

	/**
	 * program-semantics §9.2: every join sets the deal's current discount, the group discount after it (§0: the largest
	 * tier discount whose minimum the participants reach). A fork drops the second of two joins; the deal's discount
	 * is the first join's again, not absent.
	 */
	@Test
	void givesAGroupDealTheDiscountOfItsLastSurvivingJoinWhenAForkDropsALaterOne() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		String deal = simulator.workload().createGroupDeal(List.of(new long[] { 1, 5 }, new long[] { 2, 10 }));
		simulator.advanceSlots(1);
		LedgerTransaction firstJoin = simulator.workload().joinGroupDeal(deal, wallet(1));
		simulator.advanceSlots(2);
		LedgerTransaction secondJoin = simulator.workload().joinGroupDeal(deal, wallet(2));
		simulator.advanceSlots(1);
		assertThat(firstJoin.failed() || secondJoin.failed()).isFalse();
		stageAndApply();
		assertThat(groupDeal(deal).get("currentDiscount", Number.class).intValue()).as("2 participants").isEqualTo(10);

		simulator.dropByFork(secondJoin);
		simulator.advanceSlots(80);
		runFinality();

		Document after = groupDeal(deal);
		assertThat(after.get("currentParticipants", Number.class).intValue()).isEqualTo(1);
		assertThat(after.get("currentDiscount", Number.class)).as("1 participant: the first tier's").isNotNull()
			.extracting(Number::intValue).isEqualTo(5);
		assertThat(after.get("_versions", Document.class).getString("currentDiscount"))
			.contains(firstJoin.signature());
		assertReadModelEqualsTheChain();
	}

	/**
	 * A staker's summary on a history synced from after its stakes (staging lacks them) holds only claims; a fork
	 * drops the later claim. The earlier claim still describes the staker: the summary stays, not orphaned, with one
	 * claim (program-semantics §7.3: one RewardsClaimed per claim).
	 */
	@Test
	void keepsAStakerSummaryItsSurvivingClaimsDescribeWhenAForkDropsAnotherClaim() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		String user = wallet(11);
		String firstCoupon = mintedCoupon(simulator.workload().mintCouponTo(user));
		String secondCoupon = mintedCoupon(simulator.workload().mintCouponTo(user));
		simulator.advanceSlots(1);
		List<LedgerTransaction> stakes = List.of(simulator.workload().stakeCoupon(user, firstCoupon),
				simulator.workload().stakeCoupon(user, secondCoupon));
		simulator.advanceSlots(1);
		simulator.ledger().advanceClock(2 * 86_400);
		simulator.advanceSlots(1);
		LedgerTransaction firstClaim = simulator.workload().claimRewards(user, firstCoupon);
		simulator.advanceSlots(2);
		LedgerTransaction secondClaim = simulator.workload().claimRewards(user, secondCoupon);
		simulator.advanceSlots(1);
		assertThat(Stream.concat(stakes.stream(), Stream.of(firstClaim, secondClaim))).noneMatch(LedgerTransaction::failed);
		Set<String> stakeSignatures = stakes.stream().map(LedgerTransaction::signature).collect(Collectors.toSet());
		staging.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions().stream()
			.filter(transaction -> !stakeSignatures.contains(transaction.signature())).toList()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staker(user).get("claims", Number.class).longValue()).isEqualTo(2);

		simulator.dropByFork(secondClaim);
		simulator.advanceSlots(80);
		runFinality();

		Document after = staker(user);
		assertThat(after.getBoolean("orphaned", false)).as("still described by the first claim").isFalse();
		assertThat(after.get("claims", Number.class).longValue()).isEqualTo(1);
		assertThat(after.get("rewardsClaimed", Number.class).longValue()).as("the first claim's amount")
			.isEqualTo(((Number) eventsOf(firstClaim, "RewardsClaimed").findFirst().orElseThrow().fields()
				.get("amount")).longValue());
	}

	private String mintedCoupon(LedgerTransaction mint) {
		return String.valueOf(eventsOf(mint, "CouponMinted").findFirst().orElseThrow().fields().get("coupon"));
	}

	private Document staker(String user) {
		return database().getCollection(Projections.STAKERS).find(new Document("_id", user)).first();
	}

	private Document groupDeal(String deal) {
		return database().getCollection(Projections.GROUP_DEALS).find(new Document("_id", deal)).first();
	}

	private static String wallet(int seed) {
		byte[] key = new byte[32];
		new Random(seed).nextBytes(key);
		return Base58.encode(key);
	}

	private Long joinedAt(String userStats) {
		Document document = database().getCollection(Projections.USER_STATS).find(new Document("_id", userStats))
			.first();
		return document == null || document.get("joinedAt") == null ? null
				: ((Number) document.get("joinedAt")).longValue();
	}

	private static byte badgeIndex(String badgeType) {
		return (byte) List.of("FirstPurchase", "TenRedemptions", "FiftyRedemptions", "TopReviewer", "EarlyAdopter",
				"MerchantPartner", "CommunityModerator").indexOf(badgeType);
	}

	private byte[] badgesEarned(String userStats) {
		Document document = database().getCollection(Projections.USER_STATS).find(new Document("_id", userStats))
			.first();
		Binary badges = document == null ? null : document.get("badgesEarned", Binary.class);
		return badges == null ? new byte[0] : badges.getData();
	}

	/** Whether the coupon a sale sells was listed in an earlier slot (so a fork from the sale keeps the listing). */
	private boolean listedBefore(LedgerTransaction sale) {
		String listing = String.valueOf(eventsOf(sale, "CouponSold").findFirst().orElseThrow().fields().get("listing"));
		return simulator.ledger().transactions().stream().anyMatch(t -> t.slot() < sale.slot()
				&& eventsOf(t, "CouponListed").anyMatch(e -> listing.equals(String.valueOf(e.fields().get("listing")))));
	}

	private Stream<DecodedEvent> eventsOf(LedgerTransaction transaction, String name) {
		return simulator.groundTruth().events(transaction).events().stream().filter(e -> e.name().equals(name));
	}

	private Document auctionDocument(String auction) {
		return database().getCollection(Projections.AUCTIONS).find(new Document("_id", auction)).first();
	}

	@Test
	void movesATransactionTheClusterLandedAgainInAnotherSlotInsteadOfDroppingIt() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(6, 10);
		List<LedgerTransaction> forked = simulator.dropByFork(firstUnfinalized);
		// the first half is resubmitted and lands again on the new branch, in order; the rest is gone
		List<LedgerTransaction> relanded = simulator.reland(forked.subList(0, forked.size() / 2));
		simulator.advanceSlots(80);
		double relandedBefore = meters.counter("sync.finality.relanded").count();
		double droppedBefore = meters.counter("sync.finality.dropped").count();

		runFinality();

		assertThat(meters.get("sync.finality.relanded").counter().count() - relandedBefore).isEqualTo(relanded.size());
		assertThat(meters.get("sync.finality.dropped").counter().count() - droppedBefore)
			.isEqualTo(forked.size() - relanded.size());
		for (LedgerTransaction transaction : relanded) {
			Document staged = database().getCollection("staged_transactions")
				.find(new Document("_id", transaction.signature())).first();
			assertThat(staged.get("slot", Number.class).longValue()).isEqualTo(transaction.slot());
			assertThat(staged.getString("status")).isEqualTo("received");
			assertThat(staged.getBoolean("needsRefetch")).as("ran again, so fetched again before applied").isTrue();
		}
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(database().getCollection("chain_events").countDocuments(Filters.in("signature",
				relanded.stream().map(LedgerTransaction::signature).toList()))).as("not applied before the refetch")
			.isZero();

		assertThat(runner.run(backfillJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", relanded.stream().map(LedgerTransaction::signature).toList()),
				Filters.exists("needsRefetch")))).isZero();
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		runFinality();
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.eq("status", "applied"), Filters.eq("commitment", "finalized"))))
			.isEqualTo(simulator.ledger().transactionCount());
		assertThat(database().getCollection("chain_events").countDocuments(Filters.in("signature",
				relanded.stream().map(LedgerTransaction::signature).toList()))).isPositive();
		var accounts = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(GroundTruthComparison.differences(database(), accounts, new ArrayList<>())).isEmpty();
		assertNoOrphanMarkOnAnAccountThatExists(accounts);
	}

	@Test
	void stagesAgainAndAppliesADroppedTransactionTheClusterReportsAfterAll() throws Exception {
		List<LedgerTransaction> forked = forkAwayTheUnfinalizedTailAndSettle();
		List<String> forkedSignatures = forked.stream().map(LedgerTransaction::signature).toList();
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", forkedSignatures), Filters.eq("status", "dropped")))).isEqualTo(forked.size());
		// after the job gave them up, the cluster lands the first half again (a late resubmission)
		simulator.advanceSlots(1);
		List<String> relanded = simulator.reland(forked.subList(0, forked.size() / 2)).stream()
			.map(LedgerTransaction::signature).toList();
		simulator.advanceSlots(80);
		double revivedBefore = meters.counter("sync.finality.revived").count();

		runFinality();

		assertThat(meters.get("sync.finality.revived").counter().count() - revivedBefore).isEqualTo(relanded.size());
		for (String signature : relanded) {
			Document staged = database().getCollection("staged_transactions").find(new Document("_id", signature))
				.first();
			assertThat(staged.getString("status")).as("staged again").isEqualTo("received");
			assertThat(staged.get("slot", Number.class).longValue()).as("at the slot it has now")
				.isEqualTo(simulator.ledger().transactions().stream()
					.filter(transaction -> transaction.signature().equals(signature)).findFirst().orElseThrow().slot());
		}
		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", forkedSignatures), Filters.eq("status", "dropped"))))
			.as("the ones the chain does not report stay dropped").isEqualTo(forked.size() - relanded.size());

		// then the apply job applies them, and the next runs settle them like any staged transaction
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		runFinality();
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(database().getCollection("staged_transactions").countDocuments(Filters.and(
				Filters.in("_id", relanded), Filters.eq("status", "applied"), Filters.eq("commitment", "finalized"))))
			.isEqualTo(relanded.size());
		assertThat(database().getCollection("chain_events").countDocuments(Filters.in("signature", relanded)))
			.isPositive();
		var accounts = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(GroundTruthComparison.differences(database(), accounts, new ArrayList<>())).isEmpty();
		assertNoOrphanMarkOnAnAccountThatExists(accounts);
	}

	/**
	 * The re-check's window is counted back from the newest staged slot (1,500 slots by default): a transaction
	 * dropped longer before it is not asked about again, even when the chain reports it after all.
	 */
	@Test
	void doesNotAskAboutTransactionsDroppedBeforeTheWindow() throws Exception {
		List<LedgerTransaction> forked = forkAwayTheUnfinalizedTailAndSettle();
		List<String> forkedSignatures = forked.stream().map(LedgerTransaction::signature).toList();
		MongoCollection<Document> staged = database().getCollection("staged_transactions");
		assertThat(staged.countDocuments(Filters.and(Filters.in("_id", forkedSignatures),
				Filters.eq("status", "dropped"), Filters.exists("recheckedAt")))).as("asked about within the window")
			.isEqualTo(forked.size());
		long newestDropped = forked.stream().mapToLong(LedgerTransaction::slot).max().orElseThrow();
		simulator.advanceSlots((int) (newestDropped + 1_501 - simulator.ledger().slot()));
		List<LedgerTransaction> before = simulator.ledger().transactions();
		simulator.runWorkload(5);
		simulator.advanceSlots(1);
		List<LedgerTransaction> later = new ArrayList<>(simulator.ledger().transactions());
		later.removeAll(before);
		assertThat(later).allSatisfy(t -> assertThat(t.slot()).isGreaterThan(newestDropped + 1_500));
		staging.insertIfAbsent(LedgerStaging.staged(later));
		simulator.reland(forked);
		simulator.advanceSlots(80);
		Map<String, Object> askedAt = new java.util.HashMap<>();
		staged.find(Filters.in("_id", forkedSignatures)).forEach(d -> askedAt.put(d.getString("_id"), d.get("recheckedAt")));
		double revivedBefore = meters.counter("sync.finality.revived").count();

		runFinality();

		assertThat(meters.get("sync.finality.revived").counter().count()).isEqualTo(revivedBefore);
		staged.find(Filters.in("_id", forkedSignatures)).forEach(d -> {
			assertThat(d.getString("status")).isEqualTo("dropped");
			assertThat(d.get("recheckedAt")).as("not asked about again").isEqualTo(askedAt.get(d.getString("_id")));
		});
	}

	/** Applies a history whose tail a fork then drops, and runs the finality job once past the drop margin. */
	private List<LedgerTransaction> forkAwayTheUnfinalizedTailAndSettle() throws Exception {
		LedgerTransaction firstUnfinalized = applyHistoryWithUnfinalizedTail(6, 10);
		List<LedgerTransaction> forked = simulator.dropByFork(firstUnfinalized);
		simulator.advanceSlots(80);
		runFinality();
		return forked;
	}

	/** A finality-writer checkpoint that throws once, at a chosen step of a chosen chunk. */
	@TestConfiguration
	static class CrashInjection {

		@Bean
		CrashOnce crashOnce() {
			return new CrashOnce();
		}

		@Bean
		WriterCheckpoint crashingCheckpoint(CrashOnce crashOnce) {
			return crashOnce::reached;
		}

		static final class CrashOnce {

			private volatile String step;

			private volatile int chunk;

			private int seen;

			void arm(String step, int chunk) {
				this.seen = 0;
				this.chunk = chunk;
				this.step = step;
			}

			void disarm() {
				step = null;
			}

			void reached(String reached) {
				if (reached.equals(step) && ++seen == chunk) {
					step = null;
					throw new IllegalStateException("simulated crash at " + reached);
				}
			}
		}
	}
}
