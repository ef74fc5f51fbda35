package io.couponsync.chain.borsh;

import io.couponsync.chain.value.FieldName;
import io.couponsync.chain.value.ValueSink;

/** A struct (named or tuple fields, in IDL order), decoded as one object. */
final class StructCodec implements Codec {

	private FieldName[] names;

	private Codec[] fields;

	private int minSize;

	/** Fields are set after construction so that recursive types can refer to this codec while it is compiled. */
	void define(FieldName[] names, Codec[] fields) {
		this.names = names;
		this.fields = fields;
	}

	@Override
	public void decode(BorshInput in, ValueSink sink) throws DecodeException {
		sink.beginObject();
		decodeFields(in, sink);
		sink.endObject();
	}

	void decodeFields(BorshInput in, ValueSink sink) throws DecodeException {
		for (int i = 0; i < fields.length; i++) {
			sink.name(names[i]);
			try {
				fields[i].decode(in, sink);
			}
			catch (DecodeException ex) {
				throw ex.within(names[i].idlName());
			}
		}
	}

	@Override
	public int minSize() {
		if (minSize == 0 && fields != null) {
			long sum = 0;
			for (Codec field : fields) {
				// why: a recursive type reaches itself here before its size is known; count it as zero
				sum += field == this ? 0 : field.minSize();
			}
			minSize = (int) Math.min(sum, Integer.MAX_VALUE);
		}
		return minSize;
	}
}
