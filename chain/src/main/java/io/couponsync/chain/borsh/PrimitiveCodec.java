package io.couponsync.chain.borsh;

import java.math.BigInteger;

import io.couponsync.chain.idl.IdlType.Primitive;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.chain.value.ValueSink;

/** The Borsh primitives: booleans, integers of every width, floats, strings, bytes and pubkeys. */
final class PrimitiveCodec implements Codec {

	private final Primitive type;

	private final String name;

	PrimitiveCodec(Primitive type) {
		this.type = type;
		this.name = type.name().toLowerCase(java.util.Locale.ROOT);
	}

	@Override
	public void decode(BorshInput in, ValueSink sink) throws DecodeException {
		switch (type) {
			case BOOL -> {
				int offset = in.offset();
				int value = in.u8(name);
				if (value > 1) {
					throw new DecodeException(DecodeError.BAD_BOOL, offset, "bool byte is " + value + ", not 0 or 1");
				}
				sink.boolValue(value == 1);
			}
			case U8 -> sink.smallInteger(in.u8(name));
			case I8 -> sink.smallInteger((byte) in.u8(name));
			case U16 -> sink.smallInteger(in.u16(name));
			case I16 -> sink.smallInteger((short) in.u16(name));
			case U32 -> sink.smallInteger(in.u32(name));
			case I32 -> sink.smallInteger(in.i32(name));
			case U64 -> sink.integer64(in.i64(name), true);
			case I64 -> sink.integer64(in.i64(name), false);
			case F32 -> sink.float32(Float.intBitsToFloat(in.i32(name)));
			case F64 -> sink.float64(Double.longBitsToDouble(in.i64(name)));
			case U128 -> sink.bigInteger(bigInteger(in, 16, false));
			case I128 -> sink.bigInteger(bigInteger(in, 16, true));
			case U256 -> sink.bigInteger(bigInteger(in, 32, false));
			case I256 -> sink.bigInteger(bigInteger(in, 32, true));
			case STRING -> sink.string(in.string(name));
			case BYTES -> {
				int length = in.length(1, name);
				sink.bytes(in.buffer(), in.take(length, name), length);
			}
			case PUBKEY -> sink.pubkey(in.buffer(), in.take(PublicKey.LENGTH, name));
		}
	}

	private BigInteger bigInteger(BorshInput in, int size, boolean signed) throws DecodeException {
		int at = in.take(size, name);
		byte[] bigEndian = new byte[size];
		byte[] buffer = in.buffer();
		for (int i = 0; i < size; i++) {
			bigEndian[i] = buffer[at + size - 1 - i];
		}
		return signed ? new BigInteger(bigEndian) : new BigInteger(1, bigEndian);
	}

	@Override
	public int minSize() {
		return switch (type) {
			case BOOL, U8, I8 -> 1;
			case U16, I16 -> 2;
			case U32, I32, F32, STRING, BYTES -> 4;
			case U64, I64, F64 -> 8;
			case U128, I128 -> 16;
			case U256, I256, PUBKEY -> 32;
		};
	}
}
