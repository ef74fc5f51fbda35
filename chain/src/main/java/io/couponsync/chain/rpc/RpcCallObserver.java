package io.couponsync.chain.rpc;

/** Told of every call and every throttled answer, per method, for metrics. */
public interface RpcCallObserver {

	RpcCallObserver NONE = new RpcCallObserver() {
	};

	default void called(String method, int calls) {
	}

	default void throttled(String method) {
	}
}
