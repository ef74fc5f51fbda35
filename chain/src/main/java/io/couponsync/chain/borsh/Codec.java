package io.couponsync.chain.borsh;

import io.couponsync.chain.value.ValueSink;

/** Decodes one IDL type from Borsh bytes into a {@link ValueSink}; compiled once per IDL, shared by threads. */
public interface Codec {

	void decode(BorshInput in, ValueSink sink) throws DecodeException;

	/** The fewest bytes a value of this type can take, used to refuse impossible lengths before allocating. */
	int minSize();
}
