package io.couponsync.chain;

import java.util.Arrays;

/** Bitcoin-alphabet base58, the text form of Solana addresses, signatures and instruction data. */
public final class Base58 {

	private static final char[] ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();

	private static final int[] INDEXES = new int[128];

	static {
		Arrays.fill(INDEXES, -1);
		for (int i = 0; i < ALPHABET.length; i++) {
			INDEXES[ALPHABET[i]] = i;
		}
	}

	private Base58() {
	}

	public static String encode(byte[] input) {
		return encode(input, 0, input.length);
	}

	public static String encode(byte[] source, int offset, int length) {
		if (length == 0) {
			return "";
		}
		int zeros = 0;
		while (zeros < length && source[offset + zeros] == 0) {
			zeros++;
		}
		// why: base conversion in place on a copy, 256 -> 58, the classic O(n^2) that is fast for 32-64 bytes
		byte[] input = Arrays.copyOfRange(source, offset, offset + length);
		char[] encoded = new char[length * 2];
		int outputStart = encoded.length;
		for (int inputStart = zeros; inputStart < length;) {
			encoded[--outputStart] = ALPHABET[divmod(input, inputStart, 256, 58)];
			if (input[inputStart] == 0) {
				inputStart++;
			}
		}
		while (outputStart < encoded.length && encoded[outputStart] == ALPHABET[0]) {
			outputStart++;
		}
		while (--zeros >= 0) {
			encoded[--outputStart] = ALPHABET[0];
		}
		return new String(encoded, outputStart, encoded.length - outputStart);
	}

	/** Decodes base58 text; throws {@link IllegalArgumentException} naming the first invalid character. */
	public static byte[] decode(String input) {
		if (input.isEmpty()) {
			return new byte[0];
		}
		byte[] input58 = new byte[input.length()];
		for (int i = 0; i < input.length(); i++) {
			char c = input.charAt(i);
			int digit = c < 128 ? INDEXES[c] : -1;
			if (digit < 0) {
				throw new IllegalArgumentException("invalid base58 character '" + c + "' at position " + i);
			}
			input58[i] = (byte) digit;
		}
		int zeros = 0;
		while (zeros < input58.length && input58[zeros] == 0) {
			zeros++;
		}
		byte[] decoded = new byte[input.length()];
		int outputStart = decoded.length;
		for (int inputStart = zeros; inputStart < input58.length;) {
			decoded[--outputStart] = divmod(input58, inputStart, 58, 256);
			if (input58[inputStart] == 0) {
				inputStart++;
			}
		}
		while (outputStart < decoded.length && decoded[outputStart] == 0) {
			outputStart++;
		}
		return Arrays.copyOfRange(decoded, outputStart - zeros, decoded.length);
	}

	/** True when the text is the base58 form of exactly 32 bytes, i.e. a well-formed public key. */
	public static boolean isPublicKey(String text) {
		if (text == null || text.length() < 32 || text.length() > 44) {
			return false;
		}
		try {
			return decode(text).length == 32;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static byte divmod(byte[] number, int firstDigit, int base, int divisor) {
		int remainder = 0;
		for (int i = firstDigit; i < number.length; i++) {
			int digit = number[i] & 0xFF;
			int temp = remainder * base + digit;
			number[i] = (byte) (temp / divisor);
			remainder = temp % divisor;
		}
		return (byte) remainder;
	}
}
