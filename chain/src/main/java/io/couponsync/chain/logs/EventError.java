package io.couponsync.chain.logs;

import io.couponsync.chain.borsh.DecodeException;

/** A data line or CPI event instruction of the program that did not decode, and why. */
public record EventError(DecodedEvent.Source source, int position, DecodeException error) {

	public String message() {
		return error.getMessage();
	}
}
