package io.couponsync.chain.staging;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The staging collection: transactions keyed by signature, inserted at most once, and moved through their life
 * ({@link StagingStatus}, {@link ChainCommitment}) only by the named operations below. Each operation is one bulk
 * write guarded by the statuses its move is allowed from, so a transaction in any other status is left as it is
 * (the returned counts say how many moved); readers page in chain order by key, never by offset.
 */
public interface StagingRepository extends StagingInserts {

	/**
	 * A position in chain order for keyset paging: slot, then order in the slot (0 while the position in the block
	 * is unknown, else position + 1 — the order change versions give), then signature.
	 */
	record ChainPosition(long slot, int order, String signature) {

		public static final ChainPosition START = new ChainPosition(-1, 0, "");

		public static ChainPosition of(StagedTransaction transaction) {
			return new ChainPosition(transaction.slot(),
					transaction.positionInBlock() == null ? 0 : transaction.positionInBlock() + 1,
					transaction.signature());
		}
	}

	/** A transaction the apply job applied, with what it found out about it and what it wrote. */
	record Applied(String signature, boolean truncated, boolean needsRefetch, boolean positionKnown,
			Written written) {

		public Applied(String signature, boolean truncated, boolean needsRefetch, boolean positionKnown) {
			this(signature, truncated, needsRefetch, positionKnown, Written.NOTHING);
		}
	}

	/**
	 * What applying a transaction wrote: the ids of its events in the event log, and the read-model documents whose
	 * fields it set, by collection. Kept with the transaction so that marking it finalized later updates those by
	 * {@code _id} instead of searching every collection for its signature.
	 */
	record Written(List<String> events, Map<String, List<String>> documents) {

		public static final Written NOTHING = new Written(List.of(), Map.of());
	}

	/** Where a staged transaction stands, for audits and block ordering. */
	record Standing(String signature, long slot, StagingStatus status, ChainCommitment commitment,
			Integer positionInBlock) {
	}

	/** The confirmed transactions not settled yet: how many, and when the oldest was received (null if none). */
	record Unsettled(long count, Instant oldestReceivedAt) {
	}

	/**
	 * A dead transaction: what was staged, why it could not be applied, when it moved to dead and by which job
	 * execution.
	 */
	record Dead(StagedTransaction transaction, List<String> reasons, Instant deadAt, long jobExecutionId) {
	}

	// ---- staging ----

	Optional<StagedTransaction> find(String signature);

	/** The signatures among these that are staged already and not dropped (a dropped one reported again is staged again). */
	List<String> existing(Collection<String> signatures);

	long count();

	// ---- what the jobs' readers read, in chain order (slot, order in slot, signature), after a position ----
	// One query per run, read lazily in batches of batchSize: a query per page would make a long backlog's every
	// page pay for finding its start again. The caller closes the stream.

	/** Received transactions ready to apply (not waiting to be fetched again). */
	Stream<StagedTransaction> toApply(ChainPosition after, int batchSize);

	/**
	 * Transactions whose commitment is still confirmed (any status but dropped), staged at or before
	 * {@code throughSlot}: those above the cluster's finalized slot can be neither finalized nor judged dropped yet.
	 */
	Stream<StagedTransaction> toSettle(ChainPosition after, long throughSlot, int batchSize);

	/**
	 * Signatures flagged to be fetched again with getTransaction (any status but dropped), those tried least
	 * recently first, stamped as tried now: ones the node does not have (pruned) are not picked again before the rest.
	 */
	List<String> toRefetch(int limit);

	// ---- moves ----

	/**
	 * received → applied. One applied without its block position moves only if the position is still unknown: if
	 * the finality job recorded it meanwhile, it stays received and is applied again in block order.
	 */
	long markApplied(Collection<Applied> transactions, long jobExecutionId);

	/** What applying each of these transactions wrote (none for one not applied), by signature. */
	Map<String, Written> writtenBy(Collection<String> signatures);

	/**
	 * received → dead, each with its reasons (signature → reasons). Returns the ones that moved (signature →
	 * when), so that a caller reports nothing dead that the state machine refused.
	 */
	Map<String, Instant> markDead(Map<String, List<String>> reasons, long jobExecutionId);

	/**
	 * The transactions dead now that moved to dead after {@code after} and at or before {@code through}, oldest
	 * first.
	 */
	List<Dead> deadBetween(Instant after, Instant through);

	/**
	 * Counts one more run in which each of these received transactions waited for an earlier event (once per job
	 * execution, however often it writes them); returns those that have now waited {@code maxWaits} runs
	 * (signature → runs), for the caller to dead-letter.
	 */
	Map<String, Integer> countWaits(Collection<String> signatures, int maxWaits, long jobExecutionId);

	/** The newest slot among staged transactions in {@code status}, or among all live ones when null; null when none. */
	Long newestSlot(StagingStatus status);

	/** The oldest slot among confirmed staged transactions not dropped (those to settle); null when none. */
	Long oldestUnsettledSlot();

	/** The newest slot among finalized staged transactions; null when none. */
	Long newestFinalizedSlot();

	/** dead → received, every dead letter; returns how many. */
	long requeueDead();

	/** dead → received, the given dead letters (others are left as they are); returns how many moved. */
	long requeueDead(Collection<String> signatures);

	/** applied → received for every transaction at or after {@code slot}, to apply them again. */
	long replayFrom(long slot);

	/** commitment confirmed → finalized. */
	long markFinalized(Collection<String> signatures);

	/** received | applied | dead → dropped, commitment dropped: a fork took them away. */
	long drop(Collection<String> signatures);

	/**
	 * Transactions a fork dropped and the cluster landed again in another slot (signature → new slot): staged at the
	 * new slot, received, confirmed, position unknown, flagged to be fetched again — it ran again, so its logs may
	 * differ.
	 */
	long reland(Map<String, Long> newSlots);

	/**
	 * Each fetched transaction replaces its flagged one's error, logs, inner instructions and block time, and goes
	 * back to received; one not flagged, dropped, or fetched at another slot than staged (it landed again after a
	 * fork: the finality job's to undo and stage anew) is left as it is. Returns how many were completed.
	 */
	long completeRefetch(Collection<StagedTransaction> fetched);

	/** Flags transactions to be fetched again (e.g. emit_cpi! events only getTransaction carries). */
	long flagForRefetch(Collection<String> signatures);

	/**
	 * Records where transactions sit in their blocks (signature → position) and clears the pending block order of
	 * the {@code settled} transactions (their slot's order is read, or there is nothing to order); the applied ones
	 * among {@code applyAgain} go back to received, to be applied again in block order. Returns how many went back.
	 */
	long recordBlockPositions(Map<String, Integer> positions, Collection<String> applyAgain,
			Collection<String> settled);

	/**
	 * The slots' block order could not be read yet (no block from the RPC): they are tried again later. A
	 * transaction staged already finalized with its position unknown is pending from its insert on.
	 */
	long markBlockOrderPending(Collection<Long> slots);

	/**
	 * Clears the account-resync flag of these transactions (set by {@link #markApplied} on truncated logs) once
	 * the reconciliation job has read their accounts; returns how many were flagged.
	 */
	long markAccountsResynced(Collection<String> signatures);

	// ---- reads ----

	/** The staged transactions (not dropped) in these slots. */
	List<Standing> standingInSlots(Collection<Long> slots);

	/** Up to {@code limit} slots waiting for their block order, in slot order (not the oldest when more wait). */
	List<Long> slotsPendingBlockOrder(int limit);

	/**
	 * The slots, oldest first, of the next {@code transactions} received transactions (not waiting to be fetched
	 * again) whose position in their block is unknown: those the apply job is about to apply in signature order.
	 */
	List<Long> unplacedSlotsToApply(int transactions);

	/**
	 * Records the block time (seconds since the epoch) of these transactions where they have none — staged from a
	 * notification, which carries none; returns how many got it. One that has it keeps it: a block's time does not
	 * change, and a transaction landed again elsewhere has lost it ({@link #reland}).
	 */
	long recordBlockTimes(Map<String, Long> blockTimeBySignature);

	/** Where each of these signatures stands (absent when not staged). */
	Map<String, Standing> standing(Collection<String> signatures);

	/** Transactions not dropped, staged in slots {@code fromSlot}..{@code throughSlot}. */
	List<Standing> liveInSlots(long fromSlot, long throughSlot);

	/** Signatures of dropped transactions staged at or after {@code fromSlot}. */
	List<String> droppedFrom(long fromSlot);

	/**
	 * Up to {@code limit} dropped transactions staged at or after {@code fromSlot}, to ask the chain about again: the
	 * least recently asked first, each stamped as asked now, so that successive calls go round all of them. Reading
	 * moves nothing; one the chain reports again is staged again by {@link #insertIfAbsent}.
	 */
	List<String> droppedToRecheck(long fromSlot, int limit);

	/**
	 * Transactions flagged for an account resync (truncated logs) staged at or below {@code throughSlot}, not
	 * dropped, oldest first: the reconciliation job reads their accounts once their slot has the commitment it reads
	 * at.
	 */
	List<Standing> needingAccountResync(long throughSlot, int limit);

	Unsettled unsettled();

	/**
	 * For each instant, how many confirmed transactions not settled yet (not dropped) were received before it —
	 * counts by age for the console — in one pass over them.
	 */
	Map<Instant, Long> unsettledReceivedBefore(Collection<Instant> instants);
}
