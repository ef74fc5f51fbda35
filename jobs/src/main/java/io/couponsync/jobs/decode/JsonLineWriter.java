package io.couponsync.jobs.decode;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

import io.couponsync.chain.value.JsonValueWriter;

/**
 * Writes the command's output lines as UTF-8 straight into one reusable byte buffer, which goes to the output when
 * full and on {@link #flush()}: no line becomes a String and no charset encoder runs.
 */
final class JsonLineWriter implements Flushable {

	private final OutputStream out;

	private final byte[] buffer;

	private int length;

	private char[] chars = new char[4096];

	private final StringBuilder quoted = new StringBuilder(128);

	JsonLineWriter(OutputStream out, int bufferSize) {
		this.out = out;
		// why: room for one character's four UTF-8 bytes, whatever the size asked for
		this.buffer = new byte[Math.max(bufferSize, 8)];
	}

	/** Writes text known to be ASCII: the output's own punctuation, names and literals. */
	JsonLineWriter ascii(String text) throws IOException {
		int count = text.length();
		for (int i = 0; i < count; i++) {
			if (length == buffer.length) {
				drain();
			}
			buffer[length++] = (byte) text.charAt(i);
		}
		return this;
	}

	/** Writes JSON text, such as {@link JsonValueWriter}'s, as UTF-8. */
	JsonLineWriter json(StringBuilder text) throws IOException {
		int count = text.length();
		if (chars.length < count) {
			chars = new char[Math.max(count, chars.length * 2)];
		}
		text.getChars(0, count, chars, 0);
		encode(chars, count);
		return this;
	}

	/** Writes a JSON string literal, escaped as {@link JsonValueWriter} escapes the values it writes. */
	JsonLineWriter quoted(String value) throws IOException {
		quoted.setLength(0);
		JsonValueWriter.writeQuoted(quoted, value);
		return json(quoted);
	}

	/** Writes {@code {"error": "<message>"}}, the answer to a line that cannot be answered otherwise. */
	void error(String message) throws IOException {
		ascii("{\"error\":").quoted(message).ascii("}");
	}

	void endLine() throws IOException {
		ascii("\n");
	}

	@Override
	public void flush() throws IOException {
		drain();
		out.flush();
	}

	private void drain() throws IOException {
		if (length > 0) {
			out.write(buffer, 0, length);
			length = 0;
		}
	}

	private void encode(char[] source, int count) throws IOException {
		byte[] target = buffer;
		int i = 0;
		while (i < count) {
			// why: a char takes at most 3 bytes and a surrogate pair 4 for its 2 chars; one byte spare for a
			// pair that starts on the last char counted
			int room = (target.length - length - 1) / 3;
			if (room == 0) {
				drain();
				continue;
			}
			int stop = Math.min(count, i + room);
			int at = length;
			while (i < stop) {
				char c = source[i++];
				if (c < 0x80) {
					target[at++] = (byte) c;
				}
				else if (c < 0x800) {
					target[at++] = (byte) (0xC0 | c >> 6);
					target[at++] = (byte) (0x80 | c & 0x3F);
				}
				else if (!Character.isSurrogate(c)) {
					target[at++] = (byte) (0xE0 | c >> 12);
					target[at++] = (byte) (0x80 | c >> 6 & 0x3F);
					target[at++] = (byte) (0x80 | c & 0x3F);
				}
				else if (Character.isHighSurrogate(c) && i < count && Character.isLowSurrogate(source[i])) {
					int codePoint = Character.toCodePoint(c, source[i++]);
					target[at++] = (byte) (0xF0 | codePoint >> 18);
					target[at++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
					target[at++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
					target[at++] = (byte) (0x80 | codePoint & 0x3F);
				}
				else {
					// why: a lone surrogate has no UTF-8 form; '?' is what the JDK's encoder writes for it
					target[at++] = '?';
				}
			}
			length = at;
		}
	}
}
