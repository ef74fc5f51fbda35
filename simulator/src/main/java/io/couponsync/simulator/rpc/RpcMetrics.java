package io.couponsync.simulator.rpc;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Calls per JSON-RPC method (each element of a batch counts), for tests that assert how an indexer batches. */
public final class RpcMetrics {

	private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

	private final AtomicLong httpRequests = new AtomicLong();

	private final AtomicLong tooManyRequests = new AtomicLong();

	void call(String method) {
		calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
	}

	void httpRequest() {
		httpRequests.incrementAndGet();
	}

	void tooManyRequests() {
		tooManyRequests.incrementAndGet();
	}

	public long calls(String method) {
		AtomicLong count = calls.get(method);
		return count == null ? 0 : count.get();
	}

	public long httpRequests() {
		return httpRequests.get();
	}

	public long tooManyRequestsAnswered() {
		return tooManyRequests.get();
	}

	public Map<String, Long> snapshot() {
		Map<String, Long> copy = new TreeMap<>();
		calls.forEach((method, count) -> copy.put(method, count.get()));
		return copy;
	}

	public void reset() {
		calls.clear();
		httpRequests.set(0);
		tooManyRequests.set(0);
	}
}
