package io.couponsync.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Base58Test {

	@Test
	void encodesKnownAddresses() {
		assertThat(Base58.encode(new byte[32])).isEqualTo("11111111111111111111111111111111");
		byte[] token = Base58.decode("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
		assertThat(token).hasSize(32);
		assertThat(Base58.encode(token)).isEqualTo("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
	}

	@Test
	void roundTripsRandomBytesWithLeadingZeros() {
		Random random = new Random(7);
		for (int i = 0; i < 500; i++) {
			byte[] bytes = new byte[random.nextInt(70)];
			random.nextBytes(bytes);
			for (int z = 0; z < Math.min(bytes.length, i % 4); z++) {
				bytes[z] = 0;
			}
			assertThat(Base58.decode(Base58.encode(bytes))).isEqualTo(bytes);
		}
	}

	@Test
	void agreesWithTheArithmeticDefinition() {
		Random random = new Random(11);
		for (int i = 0; i < 2_000; i++) {
			byte[] bytes = new byte[random.nextInt(80)];
			random.nextBytes(bytes);
			for (int z = 0; z < Math.min(bytes.length, i % 5); z++) {
				bytes[z] = 0;
			}
			String expected = byDefinition(bytes);
			assertThat(Base58.encode(bytes)).isEqualTo(expected);
			assertThat(Base58.decode(expected)).isEqualTo(bytes);
		}
	}

	@Test
	void encodesPublicKeysLikeAnyOtherLength() {
		Random random = new Random(13);
		for (int i = 0; i < 3_000; i++) {
			byte[] key = new byte[32];
			random.nextBytes(key);
			// why: every count of leading zero bytes, the all-zero key included
			int zeros = i % 40 < 33 ? i % 40 : 0;
			for (int z = 0; z < zeros; z++) {
				key[z] = 0;
			}
			assertThat(Base58.encode(key)).as("key %d", i).isEqualTo(byDefinition(key));
		}
		byte[] largest = new byte[32];
		Arrays.fill(largest, (byte) 0xFF);
		assertThat(Base58.encode(largest)).isEqualTo(byDefinition(largest)).hasSize(44);
		byte[] framed = new byte[40];
		System.arraycopy(largest, 0, framed, 5, 32);
		assertThat(Base58.encode(framed, 5, 32)).as("a key inside a larger buffer").isEqualTo(byDefinition(largest));
	}

	/** Base58 as defined: the number in base 58, one '1' per leading zero byte. */
	private static String byDefinition(byte[] bytes) {
		String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
		StringBuilder digits = new StringBuilder();
		BigInteger number = new BigInteger(1, bytes);
		BigInteger base = BigInteger.valueOf(58);
		while (number.signum() > 0) {
			BigInteger[] division = number.divideAndRemainder(base);
			digits.append(alphabet.charAt(division[1].intValue()));
			number = division[0];
		}
		for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
			digits.append('1');
		}
		return digits.reverse().toString();
	}

	@Test
	void refusesCharactersOutsideTheAlphabet() {
		assertThatIllegalArgumentException().isThrownBy(() -> Base58.decode("abc0def"))
			.withMessageContaining("'0' at position 3");
		assertThat(Base58.isPublicKey("9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3")).isTrue();
		assertThat(Base58.isPublicKey("111111111111111111111111111111111")).as("33 zero bytes").isFalse();
		assertThat(Base58.isPublicKey("2222222222222222222222222222222")).as("too short").isFalse();
		assertThat(Base58.isPublicKey("not-a-key")).isFalse();
		assertThat(Base58.isPublicKey(null)).isFalse();
	}
}
