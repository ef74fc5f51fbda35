package io.couponsync.chain.rpc;

/** Told of every call, every throttled answer and every failed attempt, per method, for metrics. */
public interface RpcCallObserver {

	RpcCallObserver NONE = new RpcCallObserver() {
	};

	default void called(String method, int calls) {
	}

	default void throttled(String method) {
	}

	/** An attempt failed in a way worth retrying (429, 5xx, timeout, transient JSON-RPC error). */
	default void failed(String method) {
	}
}
