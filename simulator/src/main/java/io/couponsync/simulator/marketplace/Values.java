package io.couponsync.simulator.marketplace;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.couponsync.chain.value.PublicKey;
import io.couponsync.simulator.marketplace.MarketplaceProgram.InstructionRejected;

/**
 * Field values as the program handles them: decoded numbers and keys, field maps, and the runtime's arithmetic,
 * whose overflow checks abort the transaction (the release profile has them on).
 */
final class Values {

	/** The all-zero key, which events name where an account has no mint. */
	static final String DEFAULT_KEY = "11111111111111111111111111111111";

	private static final long U32_MAX = 0xFFFF_FFFFL;

	private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

	private Values() {
	}

	static long number(Object value) {
		return ((Number) value).longValue();
	}

	static String key(Object value) {
		return value instanceof PublicKey key ? key.toBase58() : (String) value;
	}

	static boolean isTrue(Object value) {
		return Boolean.TRUE.equals(value);
	}

	/** A coupon's mint, or the default key for a group coupon, which has none. */
	static String mintOrDefault(Map<String, Object> coupon) {
		Object mint = coupon.get("mint");
		return mint == null ? DEFAULT_KEY : key(mint);
	}

	static int utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	static Map<String, Object> fields(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	/** Rejects the instruction with the program's error name when the condition does not hold. */
	static void require(boolean condition, String error, String detail) {
		if (!condition) {
			throw new InstructionRejected(error, detail);
		}
	}

	static long addU32(long value, long increment) {
		long sum = value + increment;
		require(increment >= 0 && sum <= U32_MAX, "ArithmeticOverflow", value + " + " + increment + " overflows u32");
		return sum;
	}

	/** u64 addition; the simulator keeps u64 fields in Java longs, so it stops at Long.MAX_VALUE, far past any run. */
	static long addU64(long value, long increment) {
		require(increment >= 0 && value <= Long.MAX_VALUE - increment, "ArithmeticOverflow",
				value + " + " + increment + " overflows u64");
		return value + increment;
	}

	static long subU64(long value, long decrement) {
		require(decrement >= 0 && value >= decrement, "ArithmeticOverflow", value + " - " + decrement + " underflows");
		return value - decrement;
	}

	static long mulU64(long left, long right) {
		try {
			return Math.multiplyExact(left, right);
		}
		catch (ArithmeticException ex) {
			throw new InstructionRejected("ArithmeticOverflow", left + " * " + right + " overflows u64");
		}
	}

	static long divU64(long dividend, long divisor) {
		require(divisor != 0, "ArithmeticOverflow", "division by zero");
		return dividend / divisor;
	}

	/** u64 addition that stops at the type's maximum instead of aborting (the reputation score's rule). */
	static Object saturatingAddU64(Object value, long increment) {
		BigInteger sum = new BigInteger(value.toString()).add(BigInteger.valueOf(increment)).min(U64_MAX);
		return sum.bitLength() < 64 ? (Object) sum.longValue() : sum;
	}
}
