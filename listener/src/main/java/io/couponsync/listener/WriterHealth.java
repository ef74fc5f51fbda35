package io.couponsync.listener;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the staging writer is doing, for health and metrics: writing (or idle), failing — its last attempt failed and
 * it restarts after a backoff — or stopped; the last error and when; how often it was restarted.
 */
final class WriterHealth {

	/** The writer's state. */
	enum State {

		/** Its last write succeeded, or none failed yet. */
		RUNNING,

		/** Its last attempt failed; it restarts after a backoff, retrying the batch it holds. */
		FAILING,

		/** It finished (shutdown) or gave up at shutdown. */
		STOPPED
	}

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicLong restarts = new AtomicLong();

	private volatile State state = State.RUNNING;

	private volatile String lastError;

	private volatile Instant lastErrorAt;

	void written() {
		consecutiveFailures.set(0);
		state = State.RUNNING;
	}

	/** Records a failure; returns how many failed in a row. */
	int failed(Throwable failure) {
		lastError = describe(failure);
		lastErrorAt = Instant.now();
		state = State.FAILING;
		return consecutiveFailures.incrementAndGet();
	}

	void restarted() {
		restarts.incrementAndGet();
	}

	void stopped() {
		state = State.STOPPED;
	}

	State state() {
		return state;
	}

	boolean failing() {
		return state == State.FAILING;
	}

	long restarts() {
		return restarts.get();
	}

	String lastError() {
		return lastError;
	}

	Instant lastErrorAt() {
		return lastErrorAt;
	}

	static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
	}
}
