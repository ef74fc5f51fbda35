package io.couponsync.jobs.accountstate;

import java.math.BigDecimal;

import org.bson.BsonArray;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/** How a read-model value is judged against the value decoded from its account. */
public final class BsonValues {

	private BsonValues() {
	}

	/**
	 * Equal values, numbers compared by value whatever their BSON type (Int32, Int64, Double, Decimal128).
	 * why: recounted counters are stored as Int64 where the account holds a u32; rewriting them to Int32 would be
	 * undone by the next recount, over and over.
	 */
	public static boolean sameValue(BsonValue stored, BsonValue chain) {
		if (isNumeric(stored) && isNumeric(chain)) {
			return decimal(stored).compareTo(decimal(chain)) == 0;
		}
		if (stored.isDocument() && chain.isDocument()) {
			BsonDocument a = stored.asDocument();
			BsonDocument b = chain.asDocument();
			return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(key -> sameValue(a.get(key), b.get(key)));
		}
		if (stored.isArray() && chain.isArray()) {
			BsonArray a = stored.asArray();
			BsonArray b = chain.asArray();
			if (a.size() != b.size()) {
				return false;
			}
			for (int i = 0; i < a.size(); i++) {
				if (!sameValue(a.get(i), b.get(i))) {
					return false;
				}
			}
			return true;
		}
		return stored.equals(chain);
	}

	/** A number less {@code amount}, as an Int64 where it fits; anything else as it is. */
	public static BsonValue minus(BsonValue value, long amount) {
		if (value == null || !isNumeric(value)) {
			return value;
		}
		BigDecimal difference = decimal(value).subtract(BigDecimal.valueOf(amount));
		try {
			return new BsonInt64(difference.longValueExact());
		}
		catch (ArithmeticException ex) {
			return new BsonDecimal128(new Decimal128(difference));
		}
	}

	private static boolean isNumeric(BsonValue value) {
		return value.isNumber() || value.isDecimal128();
	}

	private static BigDecimal decimal(BsonValue value) {
		return switch (value.getBsonType()) {
			case INT32 -> BigDecimal.valueOf(value.asInt32().getValue());
			case INT64 -> BigDecimal.valueOf(value.asInt64().getValue());
			case DOUBLE -> BigDecimal.valueOf(value.asDouble().getValue());
			default -> value.asDecimal128().getValue().bigDecimalValue();
		};
	}
}
