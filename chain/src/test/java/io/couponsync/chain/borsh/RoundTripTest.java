package io.couponsync.chain.borsh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Fixtures;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlAccount;
import io.couponsync.chain.idl.IdlEvent;
import io.couponsync.chain.value.TreeValueBuilder;

/** Random values of every event and account, encoded and decoded again, come back equal. */
class RoundTripTest {

	@Test
	void everyTypeOfTheAllTypesIdlSurvivesEncodeAndDecode() throws DecodeException {
		roundTrip(Fixtures.idl("all_types.json"), 2000);
	}

	@Test
	void everyEventAndAccountOfTheCouponMarketplaceSurvivesEncodeAndDecode() throws DecodeException {
		roundTrip(Fixtures.discountPlatform(), 100);
	}

	/** Exact equality: same Java types, bit-equal floats (NaN included), arrays element by element. */
	private static void assertSameTree(Object actual, Object expected) {
		assertThat(actual).usingRecursiveComparison()
			.withStrictTypeChecking()
			.withComparatorForType(Float::compare, Float.class)
			.withComparatorForType(Double::compare, Double.class)
			.isEqualTo(expected);
	}

	private static void roundTrip(Idl idl, int perType) throws DecodeException {
		ProgramDecoder decoder = ProgramDecoder.compile(idl);
		BorshEncoder encoder = new BorshEncoder(idl);
		RandomValues values = new RandomValues(idl, 42);
		BorshInput input = new BorshInput();
		TreeValueBuilder tree = new TreeValueBuilder();
		for (int i = 0; i < perType; i++) {
			for (IdlEvent event : idl.events()) {
				@SuppressWarnings("unchecked")
				java.util.Map<String, Object> value = (java.util.Map<String, Object>) values.of(event.type());
				byte[] bytes = encoder.encodeEvent(event.name(), value);
				tree.reset();
				assertThat(decoder.decodeEvent(input.reset(bytes, 0, bytes.length), tree).name())
					.isEqualTo(event.name());
				assertSameTree(tree.result(), value);
			}
			for (IdlAccount account : idl.accounts()) {
				@SuppressWarnings("unchecked")
				java.util.Map<String, Object> value = (java.util.Map<String, Object>) values.of(account.type());
				byte[] bytes = encoder.encodeAccount(account.name(), value);
				tree.reset();
				assertThat(decoder.decodeAccount(input.reset(bytes, 0, bytes.length), tree).name())
					.isEqualTo(account.name());
				assertSameTree(tree.result(), value);
			}
		}
	}
}
