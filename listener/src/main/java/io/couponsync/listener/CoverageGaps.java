package io.couponsync.listener;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;

import io.couponsync.chain.staging.ListenerCoverage;

/**
 * Tracks how far the subscription's coverage reaches (the highest notified slot, the last finalized root) and
 * records every interruption of it as a gap for the backfill: opened from the last slot known complete when the
 * coverage stops, closed at the first slot seen once it resumes.
 */
final class CoverageGaps {

	private static final Logger log = LoggerFactory.getLogger(CoverageGaps.class);

	private final ListenerCoverage coverage;

	private final Counter gaps;

	private final AtomicLong lastRoot = new AtomicLong();

	private final AtomicLong highestSlot = new AtomicLong();

	private volatile boolean gapOpen;

	/** A gap that could not be recorded when coverage stopped (MongoDB out of reach): its start, else -1. */
	private volatile long unrecordedFrom = -1;

	private String unrecordedReason;

	CoverageGaps(ListenerCoverage coverage, Counter gaps) {
		this.coverage = coverage;
		this.gaps = gaps;
	}

	/** Takes up the coverage a checkpoint records. */
	void resumeFrom(ListenerCoverage.Checkpoint checkpoint) {
		lastRoot.set(checkpoint.lastRoot() == null ? 0 : checkpoint.lastRoot());
		highestSlot.set(checkpoint.highestSlot());
	}

	/** A notification at {@code slot} arrived: coverage reaches it, and an open gap ends there. */
	void notified(long slot) {
		highestSlot.accumulateAndGet(slot, Math::max);
		closeAt(slot);
	}

	/** A slot notification: {@code root} (0 = none) is finalized, and an open gap ends at {@code slot}. */
	void slotSeen(long slot, long root) {
		if (root > 0) {
			lastRoot.accumulateAndGet(root, Math::max);
		}
		closeAt(slot);
	}

	long highestSlot() {
		return highestSlot.get();
	}

	long lastRoot() {
		return lastRoot.get();
	}

	/** Whether anything was covered yet: before that there is nothing a gap could start from. */
	boolean hasCoverage() {
		return highestSlot.get() > 0 || lastRoot.get() > 0;
	}

	/** Opens a gap where coverage is known, or does nothing before anything was covered. */
	void openIfCovered(String reason) {
		if (hasCoverage()) {
			open(reason);
		}
	}

	/**
	 * Opens a gap from the last slot known complete: the last finalized root seen (every transaction at or before
	 * it was confirmed, hence notified, before the connection ended), else the highest staged slot.
	 */
	synchronized void open(String reason) {
		long from = lastRoot.get() > 0 ? lastRoot.get() : highestSlot.get();
		if (!record(from, reason)) {
			// why: the gap is still told to the console and the gauges (the crawl itself never relies on it), so it
			// is recorded once MongoDB answers again, before the first slot seen closes it
			unrecordedFrom = unrecordedFrom >= 0 ? Math.min(unrecordedFrom, from) : from;
			unrecordedReason = reason;
		}
	}

	private boolean record(long from, String reason) {
		try {
			coverage.openGap(from, reason);
			if (!gapOpen) {
				gaps.increment();
			}
			gapOpen = true;
			return true;
		}
		catch (RuntimeException ex) {
			log.error("Cannot record a gap from slot {} ({}): {}; trying again when coverage resumes", from, reason,
					ex.getMessage());
			return false;
		}
	}

	private void closeAt(long slot) {
		if (!gapOpen && unrecordedFrom < 0) {
			return;
		}
		synchronized (this) {
			closeOpenGapAt(slot);
		}
	}

	private void closeOpenGapAt(long slot) {
		if (unrecordedFrom >= 0) {
			if (!record(unrecordedFrom, unrecordedReason)) {
				return;
			}
			unrecordedFrom = -1;
		}
		if (!gapOpen) {
			return;
		}
		try {
			coverage.closeGap(slot).ifPresent(gap -> log.info("Gap recorded for the backfill: slots {} to {} ({})",
					gap.fromSlot(), slot, gap.reason()));
			gapOpen = false;
		}
		catch (RuntimeException ex) {
			log.warn("Cannot close the gap at slot {}: {}", slot, ex.getMessage());
		}
	}
}
