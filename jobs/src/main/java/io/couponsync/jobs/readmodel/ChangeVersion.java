package io.couponsync.jobs.readmodel;

/**
 * Where a change sits in chain order: slot, position in the block, signature, event index. Its text form sorts as
 * the chain does, so a stored version compares with a new one as strings. An unknown position sorts after every
 * known one in its slot, and the signature breaks ties deterministically.
 */
public record ChangeVersion(long slot, Integer positionInBlock, String signature, int eventIndex)
		implements Comparable<ChangeVersion> {

	private static final int UNKNOWN_POSITION = 9_999_999;

	public String key() {
		return String.format("%019d.%07d.%s.%04d", slot, positionInBlock == null ? UNKNOWN_POSITION : positionInBlock,
				signature, eventIndex);
	}

	@Override
	public int compareTo(ChangeVersion other) {
		return key().compareTo(other.key());
	}
}
