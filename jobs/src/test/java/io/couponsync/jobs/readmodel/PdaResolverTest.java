package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDerivedAddress;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlLoader;

class PdaResolverTest {

	private static final Idl IDL = IdlLoader.load(Path.of("..", "config", "idl", "discount_platform.json"));

	private static final String PROGRAM = "9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3";

	@Test
	void derivesFromTheIdlSeedsAndKeepsOnlyTheMostRecentAddresses() {
		PdaResolver resolver = new PdaResolver(IDL, PROGRAM, 3);
		for (int i = 0; i < 10; i++) {
			byte[] user = user(i);
			// the IDL's seeds for user_stats: "user_stats", then the user's key
			String expected = ProgramDerivedAddress.find(
					List.of("user_stats".getBytes(StandardCharsets.US_ASCII), user), Base58.decode(PROGRAM)).base58();

			assertThat(resolver.derive("user_stats", Map.of("user", user))).isEqualTo(expected);
			assertThat(resolver.derive("user_stats", Map.of("user", user))).as("from the cache").isEqualTo(expected);
		}
		assertThat(resolver.cached()).as("bounded: a long-lived process meets ever more accounts").isEqualTo(3);
	}

	private static byte[] user(int i) {
		byte[] key = new byte[32];
		key[0] = (byte) i;
		key[31] = 7;
		return key;
	}
}
