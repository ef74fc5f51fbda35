package io.couponsync.chain.rpc;

/**
 * A Solana RPC call that failed for good: a JSON-RPC error (with its code), an HTTP status that is not worth
 * retrying, or retries exhausted. The message says which method and why.
 */
public class RpcException extends RuntimeException {

	private final int code;

	public RpcException(String message, int code, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	/** The JSON-RPC error code, the HTTP status, or 0 for a transport failure. */
	public int code() {
		return code;
	}
}
