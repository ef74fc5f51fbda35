package io.couponsync.jobs.readmodel;

/**
 * Where a change sits in chain order: slot, position in the block, signature, event index. Its text form sorts as
 * the chain does, so a stored version compares with a new one as strings. An unknown position sorts before every
 * known one in its slot (the signature breaks ties deterministically): once the finality job records the block's
 * order and the transaction is applied again, its versions outrank the ones written without it.
 */
public record ChangeVersion(long slot, Integer positionInBlock, String signature, int eventIndex)
		implements Comparable<ChangeVersion> {

	/** Sorts after every transaction of a slot: state read from the chain as of that slot. */
	private static final int END_OF_SLOT = 9_999_998;

	/** The version of account state read from the chain at {@code slot}, labelled by {@code source}. */
	public static ChangeVersion endOfSlot(long slot, String source) {
		return new ChangeVersion(slot, END_OF_SLOT, source, 0);
	}

	public String key() {
		// known positions are stored one up, so that 0 means "not known yet"
		return String.format("%019d.%07d.%s.%04d", slot, positionInBlock == null ? 0 : positionInBlock + 1,
				signature, eventIndex);
	}

	@Override
	public int compareTo(ChangeVersion other) {
		return key().compareTo(other.key());
	}
}
