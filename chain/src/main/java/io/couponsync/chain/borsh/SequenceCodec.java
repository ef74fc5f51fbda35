package io.couponsync.chain.borsh;

import io.couponsync.chain.value.ValueSink;

/**
 * {@code Vec<T>} (u32 length prefix) and {@code [T; N]} (fixed length). Sequences of u8 are handed to the sink as
 * bytes in one call.
 */
final class SequenceCodec implements Codec {

	private final Codec element;

	private final boolean elementIsU8;

	/** The fixed length of an array, or -1 for a Vec. */
	private final int fixedLength;

	SequenceCodec(Codec element, boolean elementIsU8, int fixedLength) {
		this.element = element;
		this.elementIsU8 = elementIsU8;
		this.fixedLength = fixedLength;
	}

	@Override
	public void decode(BorshInput in, ValueSink sink) throws DecodeException {
		int length = fixedLength >= 0 ? fixedLength : in.length(element.minSize(), "vec");
		if (elementIsU8) {
			sink.bytes(in.buffer(), in.take(length, fixedLength >= 0 ? "[u8; " + length + "]" : "Vec<u8>"), length);
			return;
		}
		sink.beginArray();
		for (int i = 0; i < length; i++) {
			try {
				element.decode(in, sink);
			}
			catch (DecodeException ex) {
				throw ex.within("[" + i + "]");
			}
		}
		sink.endArray();
	}

	@Override
	public int minSize() {
		if (fixedLength < 0) {
			return 4;
		}
		long size = (long) fixedLength * element.minSize();
		return (int) Math.min(size, Integer.MAX_VALUE);
	}
}
