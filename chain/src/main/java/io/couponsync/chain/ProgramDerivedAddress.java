package io.couponsync.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Solana program-derived addresses: sha256(seeds ‖ bump ‖ program id ‖ "ProgramDerivedAddress"), taking the
 * highest bump (255 down) whose hash is not a point of the ed25519 curve, as {@code find_program_address} does.
 */
public final class ProgramDerivedAddress {

	private static final byte[] MARKER = "ProgramDerivedAddress".getBytes(StandardCharsets.US_ASCII);

	private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

	/** The curve constant d = -121665 / 121666 mod p. */
	private static final BigInteger D = BigInteger.valueOf(-121665)
		.multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);

	private static final BigInteger HALF_P_MINUS_ONE = P.subtract(BigInteger.ONE).shiftRight(1);

	public static final int MAX_SEEDS = 16;

	public static final int MAX_SEED_LENGTH = 32;

	private ProgramDerivedAddress() {
	}

	/** The address and its bump seed. */
	public record Found(byte[] address, int bump) {

		public String base58() {
			return Base58.encode(address);
		}
	}

	public static Found find(List<byte[]> seeds, byte[] programId) {
		if (seeds.size() > MAX_SEEDS - 1) {
			throw new IllegalArgumentException("at most " + (MAX_SEEDS - 1) + " seeds besides the bump");
		}
		for (byte[] seed : seeds) {
			if (seed.length > MAX_SEED_LENGTH) {
				throw new IllegalArgumentException("a seed has at most 32 bytes, not " + seed.length);
			}
		}
		MessageDigest sha256 = sha256();
		for (int bump = 255; bump >= 0; bump--) {
			for (byte[] seed : seeds) {
				sha256.update(seed);
			}
			sha256.update((byte) bump);
			sha256.update(programId);
			sha256.update(MARKER);
			byte[] hash = sha256.digest();
			if (!isOnCurve(hash)) {
				return new Found(hash, bump);
			}
		}
		throw new IllegalStateException("no bump gives an off-curve address for these seeds");
	}

	public static String find(String programId, byte[]... seeds) {
		return find(List.of(seeds), Base58.decode(programId)).base58();
	}

	/** Whether 32 bytes decode to a point of ed25519 (compressed Edwards y with the x sign in the top bit). */
	public static boolean isOnCurve(byte[] compressed) {
		byte[] bigEndian = new byte[32];
		for (int i = 0; i < 32; i++) {
			bigEndian[i] = compressed[31 - i];
		}
		bigEndian[0] &= 0x7F;
		BigInteger y = new BigInteger(1, bigEndian);
		if (y.compareTo(P) >= 0) {
			return false;
		}
		BigInteger ySquared = y.multiply(y).mod(P);
		BigInteger u = ySquared.subtract(BigInteger.ONE).mod(P);
		BigInteger v = D.multiply(ySquared).add(BigInteger.ONE).mod(P);
		// x^2 = u/v; v is never 0 (d is not a square), so x^2 = 0 iff u = 0
		if (u.signum() == 0) {
			return true;
		}
		// why: u/v = u*v / v^2 is a square iff u*v is, which spares the inverse of v (a third of the cost).
		// Euler's criterion: a has a square root mod p iff a^((p-1)/2) == 1
		return u.multiply(v).mod(P).modPow(HALF_P_MINUS_ONE, P).equals(BigInteger.ONE);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}
}
