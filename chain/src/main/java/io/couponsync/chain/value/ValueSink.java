package io.couponsync.chain.value;

import java.math.BigInteger;

/**
 * Receives a decoded value as a stream of typed parts, so one Borsh walk can write JSON, build a tree or write
 * BSON without an intermediate copy. The IDL type, not the value's size, decides which method is called.
 */
public interface ValueSink {

	void beginObject();

	void name(FieldName name);

	void endObject();

	void beginArray();

	void endArray();

	/** An enum value; for a variant with fields, the fields follow as one object before {@link #endEnum()}. */
	void beginEnum(String variant, boolean unit);

	void endEnum();

	/** Option::None. */
	void nullValue();

	void boolValue(boolean value);

	/** u8, i8, u16, i16, u32, i32. */
	void smallInteger(long value);

	/** u64 or i64; for u64 the bits are unsigned. */
	void integer64(long value, boolean unsigned);

	/** u128, i128, u256, i256. */
	void bigInteger(BigInteger value);

	void float32(float value);

	void float64(double value);

	void string(String value);

	/** 32 bytes of an address. */
	void pubkey(byte[] source, int offset);

	/** {@code bytes}, {@code Vec<u8>} and {@code [u8; N]}. */
	void bytes(byte[] source, int offset, int length);
}
