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

	/** 58^5, the largest power of 58 below 2^32: each division by it yields five base58 digits. */
	private static final long FIVE_DIGITS = 58L * 58 * 58 * 58 * 58;

	public static String encode(byte[] source, int offset, int length) {
		int zeros = 0;
		while (zeros < length && source[offset + zeros] == 0) {
			zeros++;
		}
		// why: dividing 32-bit limbs by 58^5 does ~1/30 of the work of the classic byte-by-byte divmod,
		// and every pubkey of every decoded event goes through here
		int limbCount = (length + 3) / 4;
		int[] limbs = new int[limbCount];
		for (int i = 0; i < length; i++) {
			int fromEnd = length - 1 - i;
			limbs[limbCount - 1 - fromEnd / 4] |= (source[offset + i] & 0xFF) << (8 * (fromEnd % 4));
		}
		char[] encoded = new char[length * 2 + 5];
		int outputStart = encoded.length;
		int first = 0;
		while (first < limbCount && limbs[first] == 0) {
			first++;
		}
		while (first < limbCount) {
			long remainder = 0;
			for (int i = first; i < limbCount; i++) {
				long current = (remainder << 32) | (limbs[i] & 0xFFFFFFFFL);
				limbs[i] = (int) (current / FIVE_DIGITS);
				remainder = current % FIVE_DIGITS;
			}
			while (first < limbCount && limbs[first] == 0) {
				first++;
			}
			for (int digit = 0; digit < 5; digit++) {
				encoded[--outputStart] = ALPHABET[(int) (remainder % 58)];
				remainder /= 58;
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
