package io.couponsync.jobs.readmodel;

/**
 * Where a change sits in chain order: slot, position in the block, signature, event index. It stays this value down
 * to the store, which writes its {@link #key() text form}: that sorts as the chain does (and as {@link #compareTo}
 * does), so a stored version compares with a new one as strings. An unknown position sorts before every
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

	/** The text form stored in documents and journals. */
	public String key() {
		// known positions are stored one up, so that 0 means "not known yet"
		StringBuilder key = new StringBuilder(33 + signature.length());
		zeroPadded(key, Long.toString(slot), 19).append('.');
		zeroPadded(key, Integer.toString(storedPosition()), 7).append('.').append(signature).append('.');
		return zeroPadded(key, Integer.toString(eventIndex), 4).toString();
	}

	/** As {@code %0<width>d} of a number that is not negative; why: String.format cost a tenth of the apply job. */
	private static StringBuilder zeroPadded(StringBuilder key, String digits, int width) {
		for (int pad = width - digits.length(); pad > 0; pad--) {
			key.append('0');
		}
		return key.append(digits);
	}

	/** The version a {@link #key()} was written from; null for a missing or empty key. */
	public static ChangeVersion parse(String key) {
		if (key == null || key.isEmpty()) {
			return null;
		}
		int afterSlot = key.indexOf('.');
		int afterPosition = key.indexOf('.', afterSlot + 1);
		int beforeIndex = key.lastIndexOf('.');
		int position = Integer.parseInt(key.substring(afterSlot + 1, afterPosition));
		return new ChangeVersion(Long.parseLong(key.substring(0, afterSlot)), position == 0 ? null : position - 1,
				key.substring(afterPosition + 1, beforeIndex), Integer.parseInt(key.substring(beforeIndex + 1)));
	}

	/** The order of {@link #key()}, without formatting it. */
	@Override
	public int compareTo(ChangeVersion other) {
		int order = Long.compare(slot, other.slot);
		if (order == 0) {
			order = Integer.compare(storedPosition(), other.storedPosition());
		}
		if (order == 0) {
			order = signature.compareTo(other.signature);
		}
		return order != 0 ? order : Integer.compare(eventIndex, other.eventIndex);
	}

	private int storedPosition() {
		return positionInBlock == null ? 0 : positionInBlock + 1;
	}
}
