package io.couponsync.platform.mongo;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The order of the file backend's unique index keys, the one H2's {@link ObjectDataType} gives them: it compares
 * keys of a type it does not know (the server's {@link KeyValue}) by their Java serialization, serializing both at
 * every step of every index lookup (more than half of the file backend's time under the apply job). A key of one
 * ASCII string, as every {@code _id} here is, serializes to the same bytes as any other such key up to the string's
 * two-byte length and then its characters, so that order is computed here from the strings alone; every other key
 * is left to the stock comparison. Files written by the stock backend are read in the same order.
 */
final class UniqueKeyOrder extends ObjectDataType {

	/** Longer strings serialize with another tag and a longer length; left to the stock comparison. */
	private static final int SHORT_STRING_LIMIT = 65_535;

	@Override
	public int compare(Object a, Object b) {
		String first = shortAsciiString(a);
		String second = first == null ? null : shortAsciiString(b);
		if (second == null) {
			return super.compare(a, b);
		}
		if (first.length() != second.length()) {
			return first.length() < second.length() ? -1 : 1;
		}
		for (int i = 0; i < first.length(); i++) {
			char x = first.charAt(i);
			char y = second.charAt(i);
			if (x != y) {
				return x < y ? -1 : 1;
			}
		}
		return 0;
	}

	/** The key's one string when its every character is one byte in modified UTF-8 (1 to 127); otherwise null. */
	private static String shortAsciiString(Object key) {
		if (!(key instanceof KeyValue keyValue) || keyValue.size() != 1
				|| !(keyValue.get(0) instanceof String string) || string.length() > SHORT_STRING_LIMIT) {
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
