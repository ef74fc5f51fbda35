package io.couponsync.chain.borsh;

import io.couponsync.chain.value.ValueSink;

/** Stands for a type the IDL declares with a layout other than Borsh (zero-copy bytemuck), refused when met. */
final class UnsupportedCodec implements Codec {

	private final String reason;

	UnsupportedCodec(String reason) {
		this.reason = reason;
	}

	@Override
	public void decode(BorshInput in, ValueSink sink) throws DecodeException {
		throw new DecodeException(DecodeError.UNSUPPORTED_TYPE, in.offset(), reason);
	}

	@Override
	public int minSize() {
		return 0;
	}
}
