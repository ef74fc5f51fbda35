package io.couponsync.chain.borsh;

import io.couponsync.chain.value.ValueSink;

/** {@code Option<T>}: a 1-byte tag (Borsh) or a 4-byte tag ({@code COption}), 0 for None and 1 for Some. */
final class OptionCodec implements Codec {

	private final Codec inner;

	private final int tagSize;

	OptionCodec(Codec inner, int tagSize) {
		this.inner = inner;
		this.tagSize = tagSize;
	}

	@Override
	public void decode(BorshInput in, ValueSink sink) throws DecodeException {
		int offset = in.offset();
		long tag = tagSize == 1 ? in.u8("option tag") : in.u32("coption tag");
		if (tag == 0) {
			sink.nullValue();
		}
		else if (tag == 1) {
			inner.decode(in, sink);
		}
		else {
			throw new DecodeException(DecodeError.BAD_OPTION_TAG, offset, "option tag is " + tag + ", not 0 or 1");
		}
	}

	@Override
	public int minSize() {
		return tagSize;
	}
}
