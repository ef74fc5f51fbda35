package io.couponsync.chain.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.logs.InnerInstruction;

/** What every staging repository must do; each implementation's test extends this. */
public abstract class StagingRepositoryContract {

	protected abstract StagingRepository repository();

	private static StagedTransaction transaction(String signature, long slot) {
		return StagedTransaction.fromWebSocket(signature, slot, null, List.of("Program x invoke [1]"),
				Instant.now().truncatedTo(ChronoUnit.MILLIS));
	}

	@Test
	void insertsEachSignatureOnceAndCountsDuplicates() {
		StagingRepository.InsertResult first = repository()
			.insertIfAbsent(List.of(transaction("a", 1), transaction("b", 2)));
		StagingRepository.InsertResult second = repository()
			.insertIfAbsent(List.of(transaction("b", 2), transaction("c", 3), transaction("a", 1)));

		assertThat(first).isEqualTo(new StagingRepository.InsertResult(2, 0));
		assertThat(second).isEqualTo(new StagingRepository.InsertResult(1, 2));
		assertThat(repository().count()).isEqualTo(3);
		assertThat(repository().existing(List.of("a", "c", "zz"))).containsExactlyInAnyOrder("a", "c");
	}

	@Test
	void leavesAnExistingDocumentExactlyAsItIs() {
		repository().insertIfAbsent(List.of(transaction("s", 10)));
		StagedTransaction different = new StagedTransaction("s", 99, new Document("InstructionError", 1),
				List.of("other"), Instant.EPOCH, StagingSource.BACKFILL, StagingStatus.RECEIVED,
				ChainCommitment.CONFIRMED, 5L, List.of(), 3);

		repository().insertIfAbsent(List.of(different));

		StagedTransaction kept = repository().find("s").orElseThrow();
		assertThat(kept.slot()).isEqualTo(10);
		assertThat(kept.source()).isEqualTo(StagingSource.WEBSOCKET);
		assertThat(kept.err()).isNull();
	}

	@Test
	void keepsEveryFieldOfABackfilledTransaction() {
		Instant received = Instant.parse("2026-11-27T10:00:00.123Z");
		StagedTransaction full = new StagedTransaction("full", 42,
				new Document("InstructionError", List.of(1, new Document("Custom", 6000))), List.of("l1", "l2"),
				received, StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 1_767_225_600L,
				List.of(new InnerInstruction("Prog", new byte[] { 1, 2, 3 })), 7);

		repository().insertIfAbsent(List.of(full));
		StagedTransaction read = repository().find("full").orElseThrow();

		assertThat(read.slot()).isEqualTo(42);
		assertThat(read.errDocument()).containsKey("InstructionError");
		assertThat(read.logs()).containsExactly("l1", "l2");
		assertThat(read.receivedAt()).isEqualTo(received);
		assertThat(read.blockTime()).isEqualTo(1_767_225_600L);
		assertThat(read.positionInBlock()).isEqualTo(7);
		assertThat(read.innerInstructions()).hasSize(1);
		assertThat(read.innerInstructions().get(0).data()).containsExactly(1, 2, 3);
		assertThat(repository().find("missing")).isEmpty();
	}

	// ---- the moves, each allowed only from the statuses the state machine says ----

	private StagedTransaction staged(String signature, long slot, Integer position) {
		return new StagedTransaction(signature, slot, null, List.of("Program x invoke [1]"),
				Instant.now().truncatedTo(ChronoUnit.MILLIS), StagingSource.BACKFILL, StagingStatus.RECEIVED,
				ChainCommitment.CONFIRMED, null, null, position);
	}

	private StagedTransaction finalized(String signature, long slot, Integer position) {
		StagedTransaction staged = staged(signature, slot, position);
		return new StagedTransaction(signature, slot, null, staged.logs(), staged.receivedAt(), staged.source(),
				staged.status(), ChainCommitment.FINALIZED, null, null, position);
	}

	private StagingStatus status(String signature) {
		return repository().find(signature).orElseThrow().status();
	}

	private ChainCommitment commitment(String signature) {
		return repository().find(signature).orElseThrow().commitment();
	}

	private static StagingRepository.Applied applied(String signature) {
		return new StagingRepository.Applied(signature, false, false, true);
	}

	@Test
	void readsReceivedTransactionsInChainOrderAfterAPosition() {
		repository().insertIfAbsent(List.of(staged("b", 2, null), staged("a", 2, null), staged("c", 1, null),
				staged("d", 3, null)));
		repository().markApplied(List.of(applied("d")), 1);

		List<StagedTransaction> first = toApply(StagingRepository.ChainPosition.START, 2);
		List<StagedTransaction> second = toApply(new StagingRepository.ChainPosition(2, 0, "a"), 2);

		assertThat(first).extracting(StagedTransaction::signature).containsExactly("c", "a");
		assertThat(second).extracting(StagedTransaction::signature).containsExactly("b");
		assertThat(toSettle(StagingRepository.ChainPosition.START, 10))
			.extracting(StagedTransaction::signature).containsExactly("c", "a", "b", "d");
	}

	@Test
	void theOldestUnsettledSlotIsTheOldestConfirmedLiveOne() {
		assertThat(repository().oldestUnsettledSlot()).isNull();
		repository().insertIfAbsent(List.of(staged("a", 4, null), staged("b", 2, null), staged("c", 3, null),
				staged("d", 5, null)));
		repository().markFinalized(List.of("c"));
		repository().drop(List.of("b"));

		assertThat(repository().oldestUnsettledSlot()).isEqualTo(4L);
		repository().markFinalized(List.of("a", "d"));
		assertThat(repository().oldestUnsettledSlot()).isNull();
	}

	@Test
	void settlesOnlyTransactionsAtOrBeforeTheGivenSlot() {
		repository().insertIfAbsent(List.of(staged("a", 1, null), staged("b", 2, null), staged("c", 3, null),
				staged("d", 4, null)));

		assertThat(toSettle(StagingRepository.ChainPosition.START, 3, 10))
			.extracting(StagedTransaction::signature).containsExactly("a", "b", "c");
		assertThat(toSettle(new StagingRepository.ChainPosition(1, 0, "a"), 3, 10))
			.extracting(StagedTransaction::signature).containsExactly("b", "c");
		assertThat(toSettle(StagingRepository.ChainPosition.START, 0, 10)).isEmpty();
	}

	@Test
	void appliesOnlyReceivedTransactions() {
		repository().insertIfAbsent(List.of(staged("r", 1, null), staged("d", 2, null), staged("x", 3, null)));
		repository().markDead(Map.of("d", List.of("bad")), 7);
		repository().drop(List.of("x"));

		long moved = repository().markApplied(List.of(applied("r"), applied("d"), applied("x")), 7);

		assertThat(moved).isEqualTo(1);
		assertThat(status("r")).isEqualTo(StagingStatus.APPLIED);
		assertThat(status("d")).as("dead → applied is refused").isEqualTo(StagingStatus.DEAD);
		assertThat(status("x")).as("dropped → applied is refused").isEqualTo(StagingStatus.DROPPED);
	}

	@Test
	void keepsWhatApplyingATransactionWroteForItsFinalization() {
		repository().insertIfAbsent(List.of(staged("w", 1, null), staged("n", 2, null), staged("r", 3, null)));
		StagingRepository.Written written = new StagingRepository.Written(List.of("w:0", "w:1"),
				java.util.Map.of("coupons", List.of("c1", "c2"), "promotions", List.of("p1")));

		repository().markApplied(List.of(new StagingRepository.Applied("w", false, false, true, written),
				applied("n")), 7);

		java.util.Map<String, StagingRepository.Written> found = repository().writtenBy(List.of("w", "n", "r", "x"));
		assertThat(found.get("w").events()).containsExactly("w:0", "w:1");
		assertThat(found.get("w").documents()).isEqualTo(written.documents());
		assertThat(found.get("n")).as("applied, writing nothing").isEqualTo(StagingRepository.Written.NOTHING);
		assertThat(found).as("not applied, or not staged").doesNotContainKeys("r", "x");
	}

	@Test
	void anAppliedTransactionWhosePositionWasRecordedMeanwhileStaysReceived() {
		repository().insertIfAbsent(List.of(staged("p", 1, null), staged("q", 1, null)));
		repository().recordBlockPositions(java.util.Map.of("p", 0), List.of(), List.of("p", "q"));

		long moved = repository().markApplied(List.of(new StagingRepository.Applied("p", false, false, false),
				new StagingRepository.Applied("q", true, true, false)), 7);

		assertThat(moved).isEqualTo(1);
		assertThat(status("p")).isEqualTo(StagingStatus.RECEIVED);
		assertThat(status("q")).isEqualTo(StagingStatus.APPLIED);
		assertThat(repository().toRefetch(10)).containsExactly("q");
	}

	@Test
	void deadLettersOnlyReceivedTransactionsAndRequeuesThem() {
		repository().insertIfAbsent(List.of(staged("r", 1, null), staged("a", 2, null), staged("q", 3, null),
				staged("x", 4, null)));
		repository().markApplied(List.of(applied("a")), 1);
		repository().drop(List.of("x"));
		Instant before = Instant.now().minusSeconds(1);

		Map<String, Instant> moved = repository().markDead(Map.of("r", List.of("unknown discriminator"), "a",
				List.of("x"), "x", List.of("y"), "missing", List.of("z")), 7);

		assertThat(moved).as("applied → dead and dropped → dead are refused; only what moved is reported")
			.containsOnlyKeys("r");
		assertThat(moved.get("r")).isAfter(before);
		assertThat(repository().markDead(Map.of("r", List.of("again")), 7)).as("dead → dead moves nothing").isEmpty();
		assertThat(repository().markDead(Map.of("q", List.of("one")), 7)).as("all of a batch moved")
			.containsOnlyKeys("q");
		assertThat(status("r")).isEqualTo(StagingStatus.DEAD);
		assertThat(status("a")).isEqualTo(StagingStatus.APPLIED);
		assertThat(status("x")).isEqualTo(StagingStatus.DROPPED);
		assertThat(repository().deadBetween(before, Instant.now().plusSeconds(1)))
			.extracting(dead -> dead.transaction().signature(), StagingRepository.Dead::reasons,
					StagingRepository.Dead::jobExecutionId)
			.containsExactlyInAnyOrder(tuple("r", List.of("unknown discriminator"), 7L),
					tuple("q", List.of("one"), 7L));

		assertThat(repository().requeueDead()).isEqualTo(2);
		assertThat(status("r")).isEqualTo(StagingStatus.RECEIVED);
		assertThat(status("a")).isEqualTo(StagingStatus.APPLIED);
		assertThat(repository().deadBetween(before, Instant.now().plusSeconds(1))).as("no longer dead").isEmpty();
	}

	@Test
	void requeuesOnlyTheGivenDeadLetters() {
		repository().insertIfAbsent(List.of(staged("d1", 1, null), staged("d2", 2, null), staged("r", 3, null),
				staged("a", 4, null)));
		repository().markDead(Map.of("d1", List.of("bad"), "d2", List.of("bad")), 7);
		repository().markApplied(List.of(applied("a")), 1);

		assertThat(repository().requeueDead(List.of("d1", "r", "a", "missing"))).as("only dead → received")
			.isEqualTo(1);
		assertThat(repository().requeueDead(List.of())).isZero();

		assertThat(status("d1")).isEqualTo(StagingStatus.RECEIVED);
		assertThat(status("d2")).as("not named").isEqualTo(StagingStatus.DEAD);
		assertThat(status("r")).isEqualTo(StagingStatus.RECEIVED);
		assertThat(status("a")).isEqualTo(StagingStatus.APPLIED);
		assertThat(toApply(StagingRepository.ChainPosition.START, 10)).extracting(StagedTransaction::signature)
			.containsExactly("d1", "r");
	}

	@Test
	void tellsTheNewestSlotPerStatusAndTheNewestFinalizedOne() {
		assertThat(repository().newestSlot(null)).as("nothing staged").isNull();
		assertThat(repository().newestFinalizedSlot()).isNull();
		repository().insertIfAbsent(List.of(staged("a1", 5, null), staged("a2", 9, null), staged("r", 12, null),
				staged("d", 20, null), staged("f", 7, null)));
		repository().markApplied(List.of(applied("a1"), applied("a2"), applied("f")), 1);
		repository().markFinalized(List.of("a1", "f"));
		repository().drop(List.of("d"));

		assertThat(repository().newestSlot(null)).as("among live ones: the dropped one does not count").isEqualTo(12);
		assertThat(repository().newestSlot(StagingStatus.APPLIED)).isEqualTo(9);
		assertThat(repository().newestSlot(StagingStatus.RECEIVED)).isEqualTo(12);
		assertThat(repository().newestSlot(StagingStatus.DROPPED)).isEqualTo(20);
		assertThat(repository().newestSlot(StagingStatus.DEAD)).isNull();
		assertThat(repository().newestFinalizedSlot()).isEqualTo(7);
	}

	@Test
	void replaysOnlyAppliedTransactionsFromTheSlot() {
		repository().insertIfAbsent(List.of(staged("old", 1, null), staged("new", 5, null), staged("dead", 6, null)));
		repository().markApplied(List.of(applied("old"), applied("new")), 1);
		repository().markDead(Map.of("dead", List.of("bad")), 7);

		assertThat(repository().replayFrom(5)).isEqualTo(1);

		assertThat(status("old")).isEqualTo(StagingStatus.APPLIED);
		assertThat(status("new")).isEqualTo(StagingStatus.RECEIVED);
		assertThat(status("dead")).as("a replay does not requeue dead letters").isEqualTo(StagingStatus.DEAD);
	}

	@Test
	void finalizesOnlyConfirmedLiveTransactions() {
		repository().insertIfAbsent(List.of(staged("c", 1, null), staged("x", 2, null)));
		repository().drop(List.of("x"));

		assertThat(repository().markFinalized(List.of("c", "x"))).isEqualTo(1);
		assertThat(repository().markFinalized(List.of("c"))).as("finalized → finalized moves nothing").isZero();

		assertThat(commitment("c")).isEqualTo(ChainCommitment.FINALIZED);
		assertThat(commitment("x")).isEqualTo(ChainCommitment.DROPPED);
		assertThat(toSettle(StagingRepository.ChainPosition.START, 10)).isEmpty();
	}

	@Test
	void dropsAnyLiveUnfinalizedTransactionButNeverAFinalizedOne() {
		repository().insertIfAbsent(List.of(staged("r", 1, null), staged("a", 2, null), staged("f", 3, null)));
		repository().markApplied(List.of(applied("a"), applied("f")), 1);
		repository().markFinalized(List.of("f"));

		assertThat(repository().drop(List.of("r", "a", "f"))).isEqualTo(2);
		assertThat(repository().drop(List.of("r"))).as("dropped → dropped moves nothing").isZero();

		assertThat(status("r")).isEqualTo(StagingStatus.DROPPED);
		assertThat(commitment("a")).isEqualTo(ChainCommitment.DROPPED);
		assertThat(status("f")).as("a finalized transaction cannot be dropped").isEqualTo(StagingStatus.APPLIED);
		assertThat(repository().droppedFrom(0)).containsExactlyInAnyOrder("r", "a");
	}

	@Test
	void aDroppedTransactionTheChainReportsAgainIsStagedAgainWithTheNewReport() {
		repository().insertIfAbsent(List.of(staged("s", 10, 2)));
		repository().markApplied(List.of(applied("s")), 1);
		repository().drop(List.of("s"));
		StagedTransaction reported = new StagedTransaction("s", 14, null, List.of("new logs"), Instant.now(),
				StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.FINALIZED, 99L, List.of(), null);

		StagingRepository.InsertResult result = repository().insertIfAbsent(List.of(reported));

		assertThat(result).isEqualTo(new StagingRepository.InsertResult(0, 0, 1, 0));
		StagedTransaction revived = repository().find("s").orElseThrow();
		assertThat(revived.status()).isEqualTo(StagingStatus.RECEIVED);
		assertThat(revived.commitment()).isEqualTo(ChainCommitment.FINALIZED);
		assertThat(revived.slot()).isEqualTo(14);
		assertThat(revived.logs()).containsExactly("new logs");
		assertThat(revived.positionInBlock()).isNull();
		assertThat(repository().insertIfAbsent(List.of(reported)))
			.as("a live one is left as it is").isEqualTo(new StagingRepository.InsertResult(0, 1, 0, 0));
	}

	@Test
	void relandsLiveUnfinalizedTransactionsAtTheirNewSlotToBeFetchedAgain() {
		repository().insertIfAbsent(List.of(staged("a", 10, 3), staged("x", 11, null), staged("f", 12, null)));
		repository().markApplied(List.of(applied("a"), applied("f")), 1);
		repository().drop(List.of("x"));
		repository().markFinalized(List.of("f"));
		repository().recordBlockTimes(Map.of("a", 1_700_000_000L));

		assertThat(repository().reland(java.util.Map.of("a", 15L, "x", 16L, "f", 17L))).isEqualTo(1);

		StagedTransaction relanded = repository().find("a").orElseThrow();
		assertThat(relanded.slot()).isEqualTo(15);
		assertThat(relanded.status()).isEqualTo(StagingStatus.RECEIVED);
		assertThat(relanded.positionInBlock()).isNull();
		assertThat(relanded.blockTime()).as("the old block's time").isNull();
		assertThat(repository().toRefetch(10)).containsExactly("a");
		assertThat(toApply(StagingRepository.ChainPosition.START, 10))
			.as("waiting to be fetched again").isEmpty();
		assertThat(status("x")).isEqualTo(StagingStatus.DROPPED);
		assertThat(repository().find("f").orElseThrow().slot()).isEqualTo(12);
	}

	@Test
	void completesARefetchOnlyForFlaggedLiveTransactionsAtTheSlotStaged() {
		repository().insertIfAbsent(List.of(staged("w", 10, null), staged("v", 12, null), staged("n", 11, null),
				staged("x", 13, null)));
		repository().flagForRefetch(List.of("w", "v", "x"));
		repository().drop(List.of("x"));
		StagedTransaction fetchedW = new StagedTransaction("w", 10, null, List.of("full logs"), Instant.now(),
				StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 5L,
				List.of(new InnerInstruction("P", new byte[] { 9 })), null);
		StagedTransaction fetchedV = new StagedTransaction("v", 14, null, List.of("v logs"), Instant.now(),
				StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 6L, List.of(), null);

		long completed = repository().completeRefetch(List.of(fetchedW, fetchedV,
				new StagedTransaction("n", 11, null, List.of("other"), Instant.now(), StagingSource.BACKFILL,
						StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 5L, List.of(), null),
				new StagedTransaction("x", 13, null, List.of("other"), Instant.now(), StagingSource.BACKFILL,
						StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 5L, List.of(), null)));

		assertThat(completed).as("not flagged, dropped, or at another slot: left as they are").isEqualTo(1);
		assertThat(repository().completeRefetch(List.of())).isZero();
		StagedTransaction completedW = repository().find("w").orElseThrow();
		assertThat(completedW.logs()).containsExactly("full logs");
		assertThat(completedW.innerInstructions()).hasSize(1);
		StagedTransaction movedV = repository().find("v").orElseThrow();
		assertThat(movedV.slot()).as("landed again elsewhere: the finality job's fork to record, not the refetch's")
			.isEqualTo(12);
		assertThat(movedV.logs()).containsExactly("Program x invoke [1]");
		assertThat(repository().toRefetch(10)).containsExactly("v");
		assertThat(repository().find("n").orElseThrow().logs()).containsExactly("Program x invoke [1]");
		assertThat(repository().find("x").orElseThrow().logs()).containsExactly("Program x invoke [1]");
		assertThat(status("x")).isEqualTo(StagingStatus.DROPPED);
	}

	@Test
	void recordsBlockPositionsAndSendsAppliedOnesBackOrKeepsSlotsPending() {
		repository().insertIfAbsent(List.of(staged("a", 20, null), staged("b", 20, null), staged("c", 21, null),
				staged("d", 21, null)));
		repository().markApplied(List.of(new StagingRepository.Applied("a", false, false, false)), 1);
		assertThat(repository().markBlockOrderPending(List.of(20L, 21L))).isEqualTo(4);
		assertThat(repository().slotsPendingBlockOrder(10)).containsExactly(20L, 21L);

		long back = repository().recordBlockPositions(java.util.Map.of("a", 1, "b", 0), List.of("a", "b"),
				List.of("a", "b"));

		assertThat(back).as("only the applied one goes back").isEqualTo(1);
		assertThat(status("a")).isEqualTo(StagingStatus.RECEIVED);
		assertThat(repository().find("a").orElseThrow().positionInBlock()).isEqualTo(1);
		assertThat(repository().slotsPendingBlockOrder(10)).containsExactly(21L);
		assertThat(repository().standingInSlots(List.of(20L))).extracting(StagingRepository.Standing::positionInBlock)
			.containsExactlyInAnyOrder(0, 1);
	}

	@Test
	void recordsBlockTimesOnTheTransactionsThatHaveNone() {
		StagedTransaction timed = staged("t", 40, null);
		repository().insertIfAbsent(List.of(staged("a", 42, null), staged("b", 40, null),
				new StagedTransaction("t", 40, null, timed.logs(), timed.receivedAt(), timed.source(), timed.status(),
						timed.commitment(), 1_700_000_000L, null, null),
				staged("d", 43, null)));

		assertThat(repository().recordBlockTimes(Map.of("b", 1_700_000_004L, "t", 1_700_000_004L, "a",
				1_700_000_005L))).isEqualTo(2);

		assertThat(repository().find("b").orElseThrow().blockTime()).isEqualTo(1_700_000_004L);
		assertThat(repository().find("t").orElseThrow().blockTime()).as("a block time is kept")
			.isEqualTo(1_700_000_000L);
		assertThat(repository().find("a").orElseThrow().blockTime()).isEqualTo(1_700_000_005L);
		assertThat(repository().find("d").orElseThrow().blockTime()).isNull();
	}

	@Test
	void givesTheSlotsOfTheNextTransactionsToApplyWhosePositionIsUnknown() {
		repository().insertIfAbsent(List.of(staged("a", 42, null), staged("b", 40, null), staged("c", 41, 3),
				staged("d", 43, null), staged("e", 40, null), staged("f", 44, null), staged("g", 39, null)));
		repository().markApplied(List.of(new StagingRepository.Applied("g", false, false, false)), 1);
		repository().drop(List.of("f"));

		assertThat(repository().unplacedSlotsToApply(10)).as("received only, placed ones left out")
			.containsExactly(40L, 42L, 43L);
		assertThat(repository().unplacedSlotsToApply(3)).as("the slots of the next three, oldest first")
			.containsExactly(40L, 42L);
	}

	/**
	 * The finality job records block order only for the confirmed transactions it settles; one the crawler stages
	 * already finalized would keep signature order in its slot for good, unless its insert leaves it pending.
	 */
	@Test
	void leavesPendingTheBlockOrderOfATransactionStagedAlreadyFinalizedWithoutItsPosition() {
		repository().insertIfAbsent(List.of(finalized("f", 30, null), finalized("g", 30, null),
				finalized("p", 31, 0), staged("c", 32, null), staged("d", 33, null)));
		repository().drop(List.of("d"));
		repository().insertIfAbsent(List.of(finalized("d", 34, null)));

		assertThat(repository().slotsPendingBlockOrder(10)).as("finalized and position unknown, revived too")
			.containsExactly(30L, 34L);
		assertThat(repository().slotsPendingBlockOrder(1)).hasSize(1);

		repository().recordBlockPositions(java.util.Map.of("f", 1), List.of(), List.of("f", "d"));

		assertThat(repository().slotsPendingBlockOrder(10))
			.as("settled by signature: one staged into the slot after the caller read it stays pending")
			.containsExactly(30L);
		assertThat(repository().find("f").orElseThrow().positionInBlock()).isEqualTo(1);
	}

	@Test
	void reportsWhatIsUnsettledAndWhereTransactionsStand() {
		repository().insertIfAbsent(List.of(staged("a", 1, null), staged("b", 2, null), staged("c", 3, null)));
		repository().markFinalized(List.of("a"));
		repository().drop(List.of("c"));

		assertThat(repository().unsettled().count()).isEqualTo(1);
		assertThat(repository().unsettled().oldestReceivedAt()).isNotNull();
		assertThat(repository().standing(List.of("a", "zz"))).containsOnlyKeys("a");
		assertThat(repository().liveInSlots(1, 3)).extracting(StagingRepository.Standing::signature)
			.containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void countsUnsettledTransactionsByAge() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		repository().insertIfAbsent(List.of(received("hour", now.minus(2, ChronoUnit.HOURS)),
				received("minutes", now.minus(5, ChronoUnit.MINUTES)), received("fresh", now.minusSeconds(2)),
				received("finalized", now.minus(3, ChronoUnit.HOURS)),
				received("dropped", now.minus(3, ChronoUnit.HOURS))));
		repository().markFinalized(List.of("finalized"));
		repository().drop(List.of("dropped"));
		Instant minuteAgo = now.minus(1, ChronoUnit.MINUTES);
		Instant hourAgo = now.minus(1, ChronoUnit.HOURS);

		Map<Instant, Long> counts = repository().unsettledReceivedBefore(List.of(minuteAgo, hourAgo));

		assertThat(counts).as("confirmed and live only").containsEntry(minuteAgo, 2L).containsEntry(hourAgo, 1L);
		assertThat(repository().unsettledReceivedBefore(List.of(now.minus(1, ChronoUnit.DAYS))))
			.containsOnly(Map.entry(now.minus(1, ChronoUnit.DAYS), 0L));
		assertThat(repository().unsettledReceivedBefore(List.of())).isEmpty();
	}

	private static StagedTransaction received(String signature, Instant receivedAt) {
		return StagedTransaction.fromWebSocket(signature, 1, null, List.of("Program x invoke [1]"), receivedAt);
	}

	@Test
	void countsTheRunsATransactionWaitedAndSaysWhichWaitedTooLong() {
		repository().insertIfAbsent(List.of(staged("w", 1, null), staged("v", 2, null), staged("a", 3, null)));
		repository().markApplied(List.of(applied("a")), 1);

		assertThat(repository().countWaits(List.of("w", "v"), 2, 7)).isEmpty();
		assertThat(repository().countWaits(List.of("w", "v"), 2, 7)).as("one run counts once, written again or not")
			.isEmpty();
		assertThat(repository().countWaits(List.of("w", "a"), 2, 8)).as("applied ones are not waiting")
			.containsExactly(java.util.Map.entry("w", 2));
	}

	@Test
	void readsASlotInBlockOrderWithUnknownPositionsFirst() {
		repository().insertIfAbsent(List.of(staged("z", 5, 0), staged("y", 5, 2), staged("x", 5, 1),
				staged("w", 5, null), staged("v", 4, 7)));

		List<StagedTransaction> first = toApply(StagingRepository.ChainPosition.START, 3);
		List<StagedTransaction> rest = toApply(StagingRepository.ChainPosition.of(first.get(2)), 3);

		assertThat(first).extracting(StagedTransaction::signature).containsExactly("v", "w", "z");
		assertThat(rest).extracting(StagedTransaction::signature).containsExactly("x", "y");
	}

	@Test
	void listsTruncatedTransactionsForAnAccountResyncUntilTheirAccountsAreRead() {
		repository().insertIfAbsent(List.of(staged("t1", 5, null), staged("t2", 9, null), staged("t3", 20, null),
				staged("n", 6, null), staged("gone", 7, null)));
		repository().markApplied(List.of(new StagingRepository.Applied("t1", true, false, true),
				new StagingRepository.Applied("t2", true, false, true), new StagingRepository.Applied("t3", true, false,
						true), new StagingRepository.Applied("gone", true, false, true), applied("n")), 1);
		repository().drop(List.of("gone"));

		assertThat(repository().needingAccountResync(10, 100)).as("settled slots only, dropped ones never")
			.extracting(StagingRepository.Standing::signature).containsExactly("t1", "t2");
		assertThat(repository().needingAccountResync(10, 1)).extracting(StagingRepository.Standing::signature)
			.containsExactly("t1");

		assertThat(repository().markAccountsResynced(List.of("t1", "n"))).isEqualTo(1);
		assertThat(repository().markAccountsResynced(List.of("t1"))).as("once").isZero();
		assertThat(repository().needingAccountResync(100, 100)).extracting(StagingRepository.Standing::signature)
			.containsExactly("t2", "t3");
		assertThat(status("t1")).as("the flag is all that moves").isEqualTo(StagingStatus.APPLIED);
	}

	@Test
	void goesRoundTheRecentlyDroppedTransactionsToAskAboutAgain() {
		repository().insertIfAbsent(List.of(staged("old", 5, null), staged("d1", 10, null), staged("d2", 11, null),
				staged("d3", 12, null), staged("live", 13, null)));
		repository().drop(List.of("old", "d1", "d2", "d3"));

		List<String> first = repository().droppedToRecheck(10, 2);
		List<String> second = repository().droppedToRecheck(10, 2);

		assertThat(first).as("never asked, oldest first").containsExactly("d1", "d2");
		assertThat(second).as("the one not asked yet comes first").hasSize(2).startsWith("d3");
		assertThat(repository().droppedToRecheck(100, 10)).as("none staged that recently").isEmpty();
		assertThat(repository().droppedToRecheck(0, 10)).as("never a live one")
			.containsExactlyInAnyOrder("old", "d1", "d2", "d3");
		assertThat(status("d1")).as("asking moves nothing").isEqualTo(StagingStatus.DROPPED);
	}

	@Test
	void aDroppedTransactionDoesNotCountAsStagedSoACrawlStagesItAgain() {
		repository().insertIfAbsent(List.of(staged("d", 3, null), staged("l", 4, null)));
		repository().drop(List.of("d"));

		assertThat(repository().existing(List.of("d", "l"))).containsExactly("l");
	}

	private List<StagedTransaction> toApply(StagingRepository.ChainPosition after, int limit) {
		try (Stream<StagedTransaction> transactions = repository().toApply(after, 2)) {
			return transactions.limit(limit).toList();
		}
	}

	private List<StagedTransaction> toSettle(StagingRepository.ChainPosition after, int limit) {
		return toSettle(after, Long.MAX_VALUE, limit);
	}

	private List<StagedTransaction> toSettle(StagingRepository.ChainPosition after, long throughSlot, int limit) {
		try (Stream<StagedTransaction> transactions = repository().toSettle(after, throughSlot, 2)) {
			return transactions.limit(limit).toList();
		}
	}
}
