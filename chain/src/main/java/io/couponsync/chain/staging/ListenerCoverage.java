package io.couponsync.chain.staging;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one listener needs to remember, and nothing more: how far its subscription covered the program (its
 * checkpoint), the gaps in that coverage for the crawler to close, and a heartbeat saying whether it is connected.
 * A gap moves open (no end slot) → closed (an end slot) → filled (by the crawler, {@link CoverageRepository}); a
 * listener has at most one open gap.
 */
public interface ListenerCoverage {

	/** A listener's checkpoint; fields are null before the first write. */
	record Checkpoint(Long highestSlot, String lastSignature, Long lastRoot) {
	}

	/** A gap in a listener's coverage: from the last slot known complete to the first slot seen after it. */
	record Gap(String listenerId, long fromSlot, Long toSlot, String reason) {
	}

	/**
	 * A listener's connection as it last reported it: connected since when (null while not connected), its last
	 * notification, and when it reported; it counts as gone once {@code expiresAt} passed without a new report.
	 */
	record Heartbeat(String listenerId, Instant connectedSince, Instant lastNotificationAt, Instant beatAt,
			Instant expiresAt) {

		public boolean connected() {
			return connectedSince != null;
		}

		/** Whether the listener reported recently enough to be believed at {@code now}. */
		public boolean alive(Instant now) {
			return expiresAt.isAfter(now);
		}
	}

	String listenerId();

	Checkpoint checkpoint();

	/** Records what a batch staged; the highest slot and the root never go down. */
	void advance(long highestSlot, String lastSignature, Long lastRoot);

	/** Records a finalized root seen; it never goes down. */
	void rememberRoot(long root);

	/** Opens a gap starting after {@code fromSlot}, unless this listener has one open; returns whether it did. */
	boolean openGap(long fromSlot, String reason);

	/** Closes the open gap at the first slot seen after it; empty when none was open. */
	Optional<Gap> closeGap(long toSlot);

	/** Reports the connection; a report older than {@code validFor} no longer counts. */
	void beat(Instant connectedSince, Instant lastNotificationAt, Duration validFor);
}
