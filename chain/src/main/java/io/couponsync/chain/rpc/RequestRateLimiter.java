package io.couponsync.chain.rpc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A ceiling on requests per second, so a public endpoint (order of 10 per second per IP) is not hammered: each
 * permit is scheduled one interval after the previous one. A JSON-RPC batch takes one permit per element, as
 * providers count them.
 */
final class RequestRateLimiter {

	private final long intervalNanos;

	private long next = Long.MIN_VALUE;

	RequestRateLimiter(double requestsPerSecond) {
		this.intervalNanos = requestsPerSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / requestsPerSecond);
	}

	void acquire(int permits) {
		long wait = reserve(permits, System.nanoTime());
		if (wait > 0) {
			LockSupport.parkNanos(wait);
		}
	}

	/** Books the permits at {@code now} and returns how long the caller must wait before using them. */
	synchronized long reserve(int permits, long now) {
		if (intervalNanos == 0) {
			return 0;
		}
		long start = Math.max(next, now);
		next = start + intervalNanos * permits;
		return start - now;
	}
}
