package io.couponsync.chain.idl;

/** An IDL that cannot be read or does not describe a decodable program; the message says what and where. */
public class IdlException extends RuntimeException {

	public IdlException(String message) {
		super(message);
	}

	public IdlException(String message, Throwable cause) {
		super(message, cause);
	}
}
