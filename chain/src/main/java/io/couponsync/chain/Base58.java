package io.couponsync.chain;

import java.math.BigInteger;
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

	private static final double INVERSE_FIVE_DIGITS = 1.0 / FIVE_DIGITS;

	/** A public key's length in bytes. */
	private static final int KEY_BYTES = 32;

	/** 16-bit limbs of a public key's 32 bytes. */
	private static final int KEY_LIMBS = 16;

	/** Five-digit groups of a public key's text: 58^45 > 2^256. */
	private static final int KEY_GROUPS = 9;

	/** Limb {@code l}'s weight 2^(16 * (15 - l)) written in base 58^5, at {@code l * KEY_GROUPS + group}. */
	private static final long[] KEY_LIMB_WEIGHTS = keyLimbWeights();

	private static long[] keyLimbWeights() {
		long[] weights = new long[KEY_LIMBS * KEY_GROUPS];
		BigInteger groupBase = BigInteger.valueOf(FIVE_DIGITS);
		for (int limb = 0; limb < KEY_LIMBS; limb++) {
			BigInteger weight = BigInteger.ONE.shiftLeft(16 * (KEY_LIMBS - 1 - limb));
			for (int group = KEY_GROUPS - 1; group >= 0; group--) {
				BigInteger[] division = weight.divideAndRemainder(groupBase);
				weights[limb * KEY_GROUPS + group] = division[1].longValue();
				weight = division[0];
			}
		}
		return weights;
	}

	public static String encode(byte[] source, int offset, int length) {
		if (length == KEY_BYTES) {
			return encodePublicKey(source, offset);
		}
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
				// why: one 64-bit division, not a division and a remainder (without C2 each is a runtime call)
				long quotient = current / FIVE_DIGITS;
				limbs[i] = (int) quotient;
				remainder = current - quotient * FIVE_DIGITS;
			}
			while (first < limbCount && limbs[first] == 0) {
				first++;
			}
			int digits = (int) remainder;
			for (int digit = 0; digit < 5; digit++) {
				encoded[--outputStart] = ALPHABET[digits % 58];
				digits /= 58;
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

	/**
	 * The 32-byte case, which every pubkey of every decoded event takes. Instead of repeated long division, each
	 * 16-bit limb is multiplied into the nine base-58^5 groups by a precomputed weight (a product is below 2^46, the
	 * sum of sixteen below 2^50, so nothing overflows), and a single carry pass then normalizes the groups: 144
	 * multiply-adds and eight divisions where the general path does about forty 64-bit divisions.
	 */
	private static String encodePublicKey(byte[] source, int offset) {
		long[] groups = new long[KEY_GROUPS];
		for (int limb = 0; limb < KEY_LIMBS; limb++) {
			long value = ((source[offset + 2 * limb] & 0xFF) << 8) | (source[offset + 2 * limb + 1] & 0xFF);
			if (value != 0) {
				int weights = limb * KEY_GROUPS;
				for (int group = 0; group < KEY_GROUPS; group++) {
					groups[group] += value * KEY_LIMB_WEIGHTS[weights + group];
				}
			}
		}
		for (int group = KEY_GROUPS - 1; group > 0; group--) {
			// why: a 64-bit division costs some 40-90 cycles; the groups stay below 2^51, which a double holds
			// exactly, so its quotient is off by at most one and one comparison corrects it
			long carry = (long) (groups[group] * INVERSE_FIVE_DIGITS);
			long remainder = groups[group] - carry * FIVE_DIGITS;
			if (remainder < 0) {
				carry--;
				remainder += FIVE_DIGITS;
			}
			else if (remainder >= FIVE_DIGITS) {
				carry++;
				remainder -= FIVE_DIGITS;
			}
			groups[group] = remainder;
			groups[group - 1] += carry;
		}
		char[] encoded = new char[KEY_GROUPS * 5];
		for (int group = 0; group < KEY_GROUPS; group++) {
			int digits = (int) groups[group];
			for (int digit = 4; digit >= 0; digit--) {
				encoded[group * 5 + digit] = ALPHABET[digits % 58];
				digits /= 58;
			}
		}
		int start = 0;
		while (start < encoded.length && encoded[start] == ALPHABET[0]) {
			start++;
		}
		int zeros = 0;
		while (zeros < KEY_BYTES && source[offset + zeros] == 0) {
			zeros++;
		}
		// why: the number's own leading zero digits are dropped above; base58 writes one '1' per leading zero byte
		for (int zero = 0; zero < zeros; zero++) {
			encoded[--start] = ALPHABET[0];
		}
		return new String(encoded, start, encoded.length - start);
	}

	/** Decodes base58 text; throws {@link IllegalArgumentException} naming the first invalid character. */
	public static byte[] decode(String input) {
		int length = input.length();
		int zeros = 0;
		while (zeros < length && input.charAt(zeros) == ALPHABET[0]) {
			zeros++;
		}
		// why: as in encode, five digits at a time into 32-bit limbs (least significant first) instead of a
		// byte-by-byte divmod per digit; PDA derivation decodes every seed address of every event it resolves
		int[] limbs = new int[length * 733 / 4000 + 2];
		int used = 0;
		for (int start = zeros; start < length; start += 5) {
			int end = Math.min(length, start + 5);
			int chunk = 0;
			int scale = 1;
			for (int i = start; i < end; i++) {
				char c = input.charAt(i);
				int digit = c < 128 ? INDEXES[c] : -1;
				if (digit < 0) {
					throw new IllegalArgumentException("invalid base58 character '" + c + "' at position " + i);
				}
				chunk = chunk * 58 + digit;
				scale *= 58;
			}
			long carry = chunk;
			for (int i = 0; i < used; i++) {
				long product = (limbs[i] & 0xFFFFFFFFL) * scale + carry;
				limbs[i] = (int) product;
				carry = product >>> 32;
			}
			if (carry != 0) {
				limbs[used++] = (int) carry;
			}
		}
		int significant = used * 4;
		while (significant > 0 && byteAt(limbs, significant - 1) == 0) {
			significant--;
		}
		byte[] decoded = new byte[zeros + significant];
		for (int i = 0; i < significant; i++) {
			decoded[decoded.length - 1 - i] = byteAt(limbs, i);
		}
		return decoded;
	}

	/** Byte {@code index} of the little-endian number the limbs hold. */
	private static byte byteAt(int[] limbs, int index) {
		return (byte) (limbs[index / 4] >>> (8 * (index % 4)));
	}

	/** True when the text is the base58 form of exactly 64 bytes, i.e. a well-formed transaction signature. */
	public static boolean isSignature(String text) {
		return encodes(text, 64);
	}

	/** True when the text is the base58 form of exactly 32 bytes, i.e. a well-formed public key. */
	public static boolean isPublicKey(String text) {
		return encodes(text, KEY_BYTES);
	}

	/** Whether the text is the base58 form of exactly {@code bytes} bytes: {@code bytes} to 11/8 as many characters. */
	private static boolean encodes(String text, int bytes) {
		if (text == null || text.length() < bytes || text.length() > bytes * 11 / 8) {
			return false;
		}
		try {
			return decode(text).length == bytes;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}
}
