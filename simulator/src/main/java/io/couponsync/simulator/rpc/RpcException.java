package io.couponsync.simulator.rpc;

/** A JSON-RPC error answer: the code and message the real RPC gives for the same request. */
final class RpcException extends RuntimeException {

	static final int PARSE_ERROR = -32700;

	static final int INVALID_REQUEST = -32600;

	static final int METHOD_NOT_FOUND = -32601;

	static final int INVALID_PARAMS = -32602;

	static final int INTERNAL_ERROR = -32603;

	static final int BLOCK_CLEANED_UP = -32001;

	static final int BLOCK_NOT_AVAILABLE = -32004;

	/** The node is unhealthy, e.g. behind the cluster; data carries numSlotsBehind. */
	static final int NODE_UNHEALTHY = -32005;

	static final int SLOT_SKIPPED = -32007;

	static final int UNSUPPORTED_TRANSACTION_VERSION = -32015;

	static final int MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

	private final int code;

	RpcException(int code, String message) {
		super(message, null, false, false);
		this.code = code;
	}

	int code() {
		return code;
	}
}
