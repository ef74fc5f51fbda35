package io.couponsync.chain.borsh;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian cursor over a byte range. Every read past the end is a
 * {@link DecodeError#DATA_TOO_SHORT}, never an index exception. Not thread-safe; reuse one per thread.
 */
public final class BorshInput {

	private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT);

	private byte[] buffer;

	private int position;

	private int limit;

	private int start;

	public BorshInput reset(byte[] buffer, int offset, int length) {
		this.buffer = buffer;
		this.position = offset;
		this.start = offset;
		this.limit = offset + length;
		return this;
	}

	public byte[] buffer() {
		return buffer;
	}

	/** Position relative to the start of the range, for error messages. */
	public int offset() {
		return position - start;
	}

	public int remaining() {
		return limit - position;
	}

	/** Checks that n bytes remain and returns the absolute index of the first. */
	public int take(int n, String what) throws DecodeException {
		if (n < 0 || limit - position < n) {
			throw new DecodeException(DecodeError.DATA_TOO_SHORT, offset(),
					"needed " + Integer.toUnsignedString(n) + " bytes for " + what + ", " + remaining() + " left");
		}
		int at = position;
		position += n;
		return at;
	}

	public int u8(String what) throws DecodeException {
		return buffer[take(1, what)] & 0xFF;
	}

	public int u16(String what) throws DecodeException {
		int at = take(2, what);
		return (buffer[at] & 0xFF) | (buffer[at + 1] & 0xFF) << 8;
	}

	public int i32(String what) throws DecodeException {
		int at = take(4, what);
		return (buffer[at] & 0xFF) | (buffer[at + 1] & 0xFF) << 8 | (buffer[at + 2] & 0xFF) << 16
				| (buffer[at + 3] & 0xFF) << 24;
	}

	public long u32(String what) throws DecodeException {
		return i32(what) & 0xFFFFFFFFL;
	}

	public long i64(String what) throws DecodeException {
		int at = take(8, what);
		return longAt(buffer, at);
	}

	static long longAt(byte[] buffer, int at) {
		return (buffer[at] & 0xFFL) | (buffer[at + 1] & 0xFFL) << 8 | (buffer[at + 2] & 0xFFL) << 16
				| (buffer[at + 3] & 0xFFL) << 24 | (buffer[at + 4] & 0xFFL) << 32 | (buffer[at + 5] & 0xFFL) << 40
				| (buffer[at + 6] & 0xFFL) << 48 | (buffer[at + 7] & 0xFFL) << 56;
	}

	/** A u32 length prefix, checked against what remains when each element needs at least minElementSize bytes. */
	public int length(int minElementSize, String what) throws DecodeException {
		int lengthOffset = offset();
		long length = u32(what + " length");
		if (minElementSize > 0 && length > remaining() / minElementSize) {
			throw new DecodeException(DecodeError.DATA_TOO_SHORT, lengthOffset, what + " length " + length
					+ " needs at least " + length * (long) minElementSize + " bytes, " + remaining() + " left");
		}
		if (length > Integer.MAX_VALUE - 8) {
			throw new DecodeException(DecodeError.DATA_TOO_SHORT, lengthOffset,
					what + " length " + length + " cannot fit in the data");
		}
		return (int) length;
	}

	/** A Borsh string: u32 byte length, then strictly valid UTF-8. */
	public String string(String what) throws DecodeException {
		int length = length(1, what);
		int stringOffset = offset();
		int at = take(length, what);
		for (int i = at; i < at + length; i++) {
			if (buffer[i] < 0) {
				return decodeUtf8(at, length, stringOffset, what);
			}
		}
		// why: pure ASCII is the common case; Latin-1 decoding of ASCII is a straight compact-string copy
		return new String(buffer, at, length, StandardCharsets.ISO_8859_1);
	}

	private String decodeUtf8(int at, int length, int stringOffset, String what) throws DecodeException {
		try {
			CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(buffer, at, length));
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			throw new DecodeException(DecodeError.INVALID_UTF8, stringOffset, what + " is not valid UTF-8");
		}
	}
}
