package io.couponsync.chain.value;

import java.math.BigInteger;

import io.couponsync.chain.Base58;

/**
 * Writes a decoded value as JSON text in the form of Anchor's TypeScript coder: 8- to 32-bit integers as numbers,
 * 64- and 128-bit integers as decimal strings, pubkeys as base58, byte arrays as arrays of numbers, enums as
 * one-key objects, IDL field names exactly. Appends to a caller's {@link StringBuilder} so a failed decode can be
 * rolled back by truncating it.
 */
public final class JsonValueWriter implements ValueSink {

	private static final byte OBJECT = 0;

	private static final byte ARRAY = 1;

	private static final byte ENUM = 2;

	private StringBuilder out;

	private byte[] frames = new byte[16];

	private boolean[] firstInFrame = new boolean[16];

	private int depth;

	public JsonValueWriter(StringBuilder out) {
		this.out = out;
	}

	/** Starts a fresh value at the end of the builder. */
	public void reset() {
		depth = 0;
	}

	@Override
	public void beginObject() {
		valuePrefix();
		out.append('{');
		push(OBJECT);
	}

	@Override
	public void name(FieldName name) {
		if (!firstInFrame[depth - 1]) {
			out.append(',');
		}
		firstInFrame[depth - 1] = false;
		writeString(name.idlName());
		out.append(':');
	}

	@Override
	public void endObject() {
		depth--;
		out.append('}');
	}

	@Override
	public void beginArray() {
		valuePrefix();
		out.append('[');
		push(ARRAY);
	}

	@Override
	public void endArray() {
		depth--;
		out.append(']');
	}

	@Override
	public void beginEnum(String variant, boolean unit) {
		valuePrefix();
		out.append('{');
		writeString(variant);
		out.append(':');
		if (unit) {
			out.append("{}");
		}
		push(ENUM);
	}

	@Override
	public void endEnum() {
		depth--;
		out.append('}');
	}

	@Override
	public void nullValue() {
		valuePrefix();
		out.append("null");
	}

	@Override
	public void boolValue(boolean value) {
		valuePrefix();
		out.append(value);
	}

	@Override
	public void smallInteger(long value) {
		valuePrefix();
		out.append(value);
	}

	@Override
	public void integer64(long value, boolean unsigned) {
		valuePrefix();
		out.append('"');
		if (unsigned && value < 0) {
			out.append(Long.toUnsignedString(value));
		}
		else {
			out.append(value);
		}
		out.append('"');
	}

	@Override
	public void bigInteger(BigInteger value) {
		valuePrefix();
		out.append('"').append(value).append('"');
	}

	@Override
	public void float32(float value) {
		// why: Anchor's coder widens f32 to a JavaScript double, so 1.1f reads as 1.100000023841858
		float64(value);
	}

	@Override
	public void float64(double value) {
		valuePrefix();
		if (Double.isFinite(value)) {
			out.append(value);
		}
		else {
			// why: JSON has no NaN or Infinity; JSON.stringify writes null for them too
			out.append("null");
		}
	}

	@Override
	public void string(String value) {
		valuePrefix();
		writeString(value);
	}

	@Override
	public void pubkey(byte[] source, int offset) {
		valuePrefix();
		out.append('"').append(Base58.encode(source, offset, PublicKey.LENGTH)).append('"');
	}

	@Override
	public void bytes(byte[] source, int offset, int length) {
		valuePrefix();
		out.append('[');
		for (int i = 0; i < length; i++) {
			if (i > 0) {
				out.append(',');
			}
			out.append(source[offset + i] & 0xFF);
		}
		out.append(']');
	}

	private void valuePrefix() {
		if (depth > 0 && frames[depth - 1] == ARRAY) {
			if (!firstInFrame[depth - 1]) {
				out.append(',');
			}
			firstInFrame[depth - 1] = false;
		}
	}

	private void push(byte frame) {
		if (depth == frames.length) {
			frames = java.util.Arrays.copyOf(frames, depth * 2);
			firstInFrame = java.util.Arrays.copyOf(firstInFrame, depth * 2);
		}
		frames[depth] = frame;
		firstInFrame[depth] = true;
		depth++;
	}

	private void writeString(String value) {
		writeQuoted(out, value);
	}

	/** Appends a JSON string literal, escaping quotes, backslashes and control characters. */
	public static void writeQuoted(StringBuilder out, String value) {
		out.append('"');
		int start = 0;
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c != '"' && c != '\\') {
				continue;
			}
			out.append(value, start, i);
			start = i + 1;
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> out.append(String.format("\\u%04x", (int) c));
			}
		}
		out.append(value, start, length).append('"');
	}
}
