package io.couponsync.platform.mongo;

import java.nio.ByteBuffer;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The keys of the file backend's unique indexes, in the order H2's {@link ObjectDataType} gives them, stored compactly.
 * <p>
 * The stock type compares keys of a type it does not know (the server's {@link KeyValue}) by their Java
 * serialization, serializing both at every step of every lookup, and stores them Java-serialized too. A key of one
 * ASCII string, as every {@code _id} here is, serializes to the same bytes as any other such key up to the string's
 * two-byte length and then its characters: ordered by length, then by character. Such a key is therefore kept as its
 * string ({@link #stored}), checked once when it is made instead of at every comparison, written as H2 writes a
 * string, and compared by length and then characters; every other key stays a {@link KeyValue} in the stock order.
 * Keys the stock backend (or an earlier version of this one) wrote are read into the same forms, so its files are
 * read in the same order.
 */
final class UniqueKeyOrder extends ObjectDataType {

	/** Longer strings serialize with another tag and a longer length; left to the stock comparison. */
	private static final int SHORT_STRING_LIMIT = 65_535;

	/** The form {@code key} is kept in: its one string when that is short and ASCII, otherwise the key itself. */
	static Object stored(KeyValue key) {
		String string = shortAsciiString(key);
		return string != null ? string : key;
	}

	/** The key a stored form stands for. */
	static KeyValue keyValue(Object stored) {
		return stored instanceof String string ? new KeyValue(string) : (KeyValue) stored;
	}

	@Override
	public int compare(Object a, Object b) {
		if (a instanceof String first && b instanceof String second) {
			if (first.length() != second.length()) {
				return first.length() < second.length() ? -1 : 1;
			}
			return Integer.signum(first.compareTo(second));
		}
		return super.compare(keyValue(a), keyValue(b));
	}

	@Override
	public Object read(ByteBuffer buffer) {
		Object key = super.read(buffer);
		return key instanceof KeyValue keyValue ? stored(keyValue) : key;
	}

	/** The key's one string when its every character is one byte in modified UTF-8 (1 to 127); otherwise null. */
	private static String shortAsciiString(KeyValue key) {
		if (key.size() != 1 || !(key.get(0) instanceof String string) || string.length() > SHORT_STRING_LIMIT) {
			return null;
		}
		for (int i = 0; i < string.length(); i++) {
			char c = string.charAt(i);
			if (c == 0 || c > 127) {
				return null;
			}
		}
		return string;
	}
}
