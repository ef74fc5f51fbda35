package io.couponsync.chain.borsh;

import io.couponsync.chain.value.ValueSink;

/** A Borsh enum: a u8 variant index, then the variant's fields (none for a unit variant). */
final class EnumCodec implements Codec {

	private final String typeName;

	private String[] variants;

	/** The fields of each variant, or null for a unit variant. */
	private StructCodec[] bodies;

	EnumCodec(String typeName) {
		this.typeName = typeName;
	}

	void define(String[] variants, StructCodec[] bodies) {
		this.variants = variants;
		this.bodies = bodies;
	}

	@Override
	public void decode(BorshInput in, ValueSink sink) throws DecodeException {
		int offset = in.offset();
		int index = in.u8(typeName + " variant");
		if (index >= variants.length) {
			throw new DecodeException(DecodeError.BAD_ENUM_VARIANT, offset,
					typeName + " has " + variants.length + " variants, got index " + index);
		}
		StructCodec body = bodies[index];
		sink.beginEnum(variants[index], body == null);
		if (body != null) {
			try {
				body.decode(in, sink);
			}
			catch (DecodeException ex) {
				throw ex.within(variants[index]);
			}
		}
		sink.endEnum();
	}

	@Override
	public int minSize() {
		return 1;
	}
}
