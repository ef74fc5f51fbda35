package io.couponsync.chain.borsh;

/** What kind of input a decoder refused. */
public enum DecodeError {
	UNKNOWN_DISCRIMINATOR,
	DATA_TOO_SHORT,
	INVALID_UTF8,
	BAD_BASE64,
	BAD_BOOL,
	BAD_OPTION_TAG,
	BAD_ENUM_VARIANT,
	UNSUPPORTED_TYPE
}
