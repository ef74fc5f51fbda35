package io.couponsync.listener;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the subscription waits before connecting again: capped exponential backoff with full jitter over the
 * failures in a row, never sooner than a 429 handshake's Retry-After asks. A connection that held longer than the
 * cap ends the run of failures. Used by one thread.
 */
final class ReconnectPolicy {

	private final Duration minDelay;

	private final Duration maxDelay;

	private int failures;

	ReconnectPolicy(Duration minDelay, Duration maxDelay) {
		this.minDelay = minDelay;
		this.maxDelay = maxDelay;
	}

	/** A connection ended after holding for {@code held}: one that held longer than the cap starts afresh. */
	void connectionHeld(Duration held) {
		if (held.compareTo(maxDelay) > 0) {
			failures = 0;
		}
	}

	/** Counts one more failure and returns the wait before the next attempt; {@code failure} may ask for longer. */
	Duration nextDelay(Throwable failure) {
		failures++;
		long min = minDelay.toMillis();
		long capped = Math.min(maxDelay.toMillis(), min << Math.min(failures - 1, 20));
		// why: full jitter between half and all of the delay keeps many listeners from reconnecting in step
		Duration delay = Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
		Duration asked = retryAfter(failure);
		return asked != null && asked.compareTo(delay) > 0 ? asked : delay;
	}

	/** The attempt the next connection will be. */
	int attempt() {
		return failures;
	}

	private static Duration retryAfter(Throwable failure) {
		if (failure instanceof WebSocketHandshakeException handshake) {
			return handshake.getResponse().headers().firstValue("Retry-After").flatMap(value -> {
				try {
					return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
				}
				catch (NumberFormatException ex) {
					return Optional.<Duration>empty();
				}
			}).orElse(null);
		}
		return null;
	}
}
