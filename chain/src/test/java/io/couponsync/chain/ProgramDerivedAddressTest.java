package io.couponsync.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.EdECPublicKey;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProgramDerivedAddressTest {

	private static final byte[] SYSTEM_PROGRAM = new byte[32];

	private static final byte[] HELLO_WORLD = "helloWorld".getBytes(StandardCharsets.UTF_8);

	@Test
	void matchesTheExampleOfTheSolanaDocumentation() {
		// solana.com/docs/core/pda: seed "helloWorld" under 11111111111111111111111111111111
		ProgramDerivedAddress.Found found = ProgramDerivedAddress.find(List.of(HELLO_WORLD), SYSTEM_PROGRAM);

		assertThat(found.base58()).isEqualTo("46GZzzetjCURsdFPb7rcnspbEMnCBXe9kpjrsZAkKb6X");
		assertThat(found.bump()).isEqualTo(254);
	}

	@Test
	void classifiesEachBumpOfTheDocumentedExample() {
		// the same page lists bump 255 and 250 as on the curve, 254..251 as these addresses
		assertThat(ProgramDerivedAddress.isOnCurve(hash(255))).isTrue();
		assertThat(Base58.encode(hash(253))).isEqualTo("GBNWBGxKmdcd7JrMnBdZke9Fumj9sir4rpbruwEGmR4y");
		assertThat(ProgramDerivedAddress.isOnCurve(hash(253))).isFalse();
		assertThat(Base58.encode(hash(252))).isEqualTo("THfBMgduMonjaNsCisKa7Qz2cBoG1VCUYHyso7UXYHH");
		assertThat(ProgramDerivedAddress.isOnCurve(hash(251))).isFalse();
		assertThat(ProgramDerivedAddress.isOnCurve(hash(250))).isTrue();
	}

	@Test
	void findsEveryRealEd25519PublicKeyOnTheCurve() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
		for (int i = 0; i < 50; i++) {
			EdECPublicKey key = (EdECPublicKey) generator.generateKeyPair().getPublic();
			assertThat(ProgramDerivedAddress.isOnCurve(encode(key))).isTrue();
		}
	}

	@Test
	void agreesWithTheCurveEquationSolvedForXSquared() {
		// the definition: x^2 = (y^2 - 1) / (d y^2 + 1) must have a square root mod p
		BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
		BigInteger d = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(p)).mod(p);
		java.util.Random random = new java.util.Random(11);
		int onCurve = 0;
		for (int i = 0; i < 2_000; i++) {
			byte[] bytes = new byte[32];
			random.nextBytes(bytes);
			byte[] bigEndian = new byte[32];
			for (int j = 0; j < 32; j++) {
				bigEndian[j] = bytes[31 - j];
			}
			bigEndian[0] &= 0x7F;
			BigInteger y = new BigInteger(1, bigEndian);
			BigInteger y2 = y.multiply(y).mod(p);
			BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(d.multiply(y2).add(BigInteger.ONE).modInverse(p)).mod(p);
			boolean expected = y.compareTo(p) < 0 && (x2.signum() == 0
					|| x2.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(BigInteger.ONE));

			assertThat(ProgramDerivedAddress.isOnCurve(bytes)).as("bytes %d", i).isEqualTo(expected);
			onCurve += expected ? 1 : 0;
		}
		assertThat(onCurve).as("about half of all y are on the curve").isBetween(800, 1_200);
	}

	private static byte[] hash(int bump) {
		try {
			java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
			sha256.update(HELLO_WORLD);
			sha256.update((byte) bump);
			sha256.update(SYSTEM_PROGRAM);
			sha256.update("ProgramDerivedAddress".getBytes(StandardCharsets.US_ASCII));
			return sha256.digest();
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** RFC 8032 encoding: y little-endian, the parity of x in the top bit. */
	private static byte[] encode(EdECPublicKey key) {
		BigInteger y = key.getPoint().getY();
		byte[] bigEndian = y.toByteArray();
		byte[] encoded = new byte[32];
		for (int i = 0; i < Math.min(32, bigEndian.length); i++) {
			encoded[i] = bigEndian[bigEndian.length - 1 - i];
		}
		if (key.getPoint().isXOdd()) {
			encoded[31] |= (byte) 0x80;
		}
		return encoded;
	}
}
