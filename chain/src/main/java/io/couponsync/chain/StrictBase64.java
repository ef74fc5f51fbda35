package io.couponsync.chain;

import java.util.Arrays;

import io.couponsync.chain.borsh.DecodeError;
import io.couponsync.chain.borsh.DecodeException;

/**
 * Standard-alphabet base64 decoding straight from a String region into a reusable buffer. Strict where Node's
 * Buffer is lenient: an invalid character, misplaced padding or an impossible length is an error, not skipped.
 * Non-zero bits after the last byte are ignored, as every mainstream decoder does.
 */
public final class StrictBase64 {

	private static final byte[] VALUES = new byte[128];

	static {
		Arrays.fill(VALUES, (byte) -1);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (int i = 0; i < alphabet.length(); i++) {
			VALUES[alphabet.charAt(i)] = (byte) i;
		}
	}

	private byte[] buffer = new byte[1024];

	private int length;

	public byte[] buffer() {
		return buffer;
	}

	public int length() {
		return length;
	}

	public void clear() {
		length = 0;
	}

	/** Decodes text[start, end) and appends the bytes. */
	public void append(String text, int start, int end) throws DecodeException {
		int padding = 0;
		while (end - padding > start && text.charAt(end - padding - 1) == '=' && padding < 2) {
			padding++;
		}
		int dataChars = end - start - padding;
		if (padding > 0 && (end - start) % 4 != 0 || dataChars % 4 == 1) {
			throw new DecodeException(DecodeError.BAD_BASE64, length,
					"base64 chunk of " + (end - start) + " characters has an impossible length");
		}
		int needed = length + dataChars * 3 / 4;
		if (needed > buffer.length) {
			buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
		}
		int accumulator = 0;
		int bits = 0;
		for (int i = start; i < start + dataChars; i++) {
			char c = text.charAt(i);
			int value = c < 128 ? VALUES[c] : -1;
			if (value < 0) {
				throw new DecodeException(DecodeError.BAD_BASE64, length,
						"invalid base64 character '" + c + "' at position " + (i - start));
			}
			accumulator = (accumulator << 6 | value) & 0xFFFFFF;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				buffer[length++] = (byte) (accumulator >> bits);
			}
		}
	}
}
