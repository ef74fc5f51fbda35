package io.couponsync.jobs.blockorder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.BlockSignatures;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingRepository.Standing;
import io.couponsync.chain.staging.StagingStatus;

/**
 * Records each transaction's position in its block where the program has several transactions in one slot, so
 * the apply job orders them as the chain did: one getBlock (signatures only) per such slot, batched. A slot with
 * one staged transaction needs no call — there is nothing to order. A transaction already applied without its
 * position goes back to received: applied again, its changes outrank the ones written in signature order. A slot
 * whose block the RPC does not give yet (-32004, or no answer) stays pending and is tried again by later runs,
 * whatever the commitment of its transactions by then; one whose block it will never give (cleaned up, missing in
 * long-term storage, skipped) is settled at once, its transactions left in signature order, and logged; so does
 * the slot of a transaction the crawler staged already finalized, which never passes through the settling of
 * confirmed ones. The apply job calls it before applying, the finality job when it settles and for the slots
 * left pending.
 */
public class BlockPositions {

	private static final Logger log = LoggerFactory.getLogger(BlockPositions.class);

	/** Pending slots retried per run. */
	private static final int PENDING_PER_RUN = 1_000;

	private final StagingRepository staging;

	private final SolanaRpcClient rpc;

	public BlockPositions(StagingRepository staging, SolanaRpcClient rpc) {
		this.staging = staging;
		this.rpc = rpc;
	}

	/**
	 * What one call did: blocks asked for, of which the node did not give {@code notGivenYet}; transactions placed,
	 * applied ones sent back.
	 */
	public record Recorded(int blocksAsked, int notGivenYet, int placed, long appliedAgain) {

		static final Recorded NOTHING = new Recorded(0, 0, 0, 0);
	}

	/** Records positions in the given slots (those holding confirmed or finalized transactions). */
	public Recorded record(Collection<Long> slots) {
		return record(slots, Integer.MAX_VALUE);
	}

	/**
	 * As {@link #record(Collection)}, reading at most {@code maxBlocks} blocks: those of the oldest slots with
	 * something to order. The later ones are left as they are, neither read nor pending.
	 */
	public Recorded record(Collection<Long> slots, int maxBlocks) {
		if (slots.isEmpty()) {
			return Recorded.NOTHING;
		}
		Map<Long, List<Standing>> bySlot = new TreeMap<>();
		for (Standing transaction : staging.standingInSlots(slots)) {
			bySlot.computeIfAbsent(transaction.slot(), slot -> new ArrayList<>()).add(transaction);
		}
		// why: a slot with nothing to order settles its transactions as a block read would, so one flagged at its
		// insert (staged already finalized) does not stay pending for good
		List<String> settled = new ArrayList<>();
		bySlot.values().removeIf(transactions -> {
			boolean nothingToOrder = transactions.size() < 2
					|| transactions.stream().allMatch(transaction -> transaction.positionInBlock() != null);
			if (nothingToOrder) {
				transactions.forEach(transaction -> settled.add(transaction.signature()));
			}
			return nothingToOrder;
		});
		if (bySlot.isEmpty()) {
			staging.recordBlockPositions(Map.of(), List.of(), settled);
			return Recorded.NOTHING;
		}
		List<Long> unordered = new ArrayList<>(bySlot.keySet());
		if (unordered.size() > maxBlocks) {
			unordered = unordered.subList(0, maxBlocks);
		}
		List<BlockSignatures> blocks = rpc.getBlockSignatures(unordered, "confirmed");
		Map<String, Integer> positions = new HashMap<>();
		List<String> toApplyAgain = new ArrayList<>();
		List<Long> ordered = new ArrayList<>();
		List<Long> missing = new ArrayList<>();
		List<BlockSignatures> gone = new ArrayList<>();
		for (int i = 0; i < unordered.size(); i++) {
			BlockSignatures block = blocks.get(i);
			if (block == null) {
				missing.add(unordered.get(i));
				continue;
			}
			if (!block.available()) {
				// why: asked again at every run it would never come, and hold back the pending slots behind it
				gone.add(block);
				bySlot.get(unordered.get(i)).forEach(transaction -> settled.add(transaction.signature()));
				continue;
			}
			ordered.add(unordered.get(i));
			bySlot.get(unordered.get(i)).forEach(transaction -> settled.add(transaction.signature()));
			Map<String, Integer> inBlock = new HashMap<>();
			for (int position = 0; position < block.signatures().size(); position++) {
				inBlock.put(block.signatures().get(position), position);
			}
			for (Standing transaction : bySlot.get(unordered.get(i))) {
				Integer position = inBlock.get(transaction.signature());
				if (position == null || transaction.positionInBlock() != null) {
					continue;
				}
				positions.put(transaction.signature(), position);
				if (transaction.status() == StagingStatus.APPLIED) {
					toApplyAgain.add(transaction.signature());
				}
			}
		}
		long applyAgain = staging.recordBlockPositions(positions, toApplyAgain, settled);
		if (applyAgain > 0) {
			log.info("Block order recorded from {} blocks; {} applied transactions queued to be applied again in it",
					ordered.size(), applyAgain);
		}
		if (!gone.isEmpty()) {
			log.warn("Blocks of {} slots are not available from the node for good (e.g. slot {}: {}); their "
					+ "transactions keep signature order", gone.size(), gone.get(0).slot(), gone.get(0).unavailableBecause());
		}
		if (!missing.isEmpty()) {
			staging.markBlockOrderPending(missing);
			log.warn("Blocks of {} slots are not available yet (e.g. {}); their transactions keep signature order "
					+ "until a later run reads them", missing.size(), missing.get(0));
		}
		return new Recorded(unordered.size(), missing.size(), positions.size(), applyAgain);
	}

	/** Tries again the slots whose blocks were not available before. */
	public Recorded retryPending() {
		List<Long> slots = staging.slotsPendingBlockOrder(PENDING_PER_RUN);
		return slots.isEmpty() ? Recorded.NOTHING : record(new TreeSet<>(slots));
	}
}
