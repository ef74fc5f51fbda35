package io.couponsync.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.staging.ListenerCoverage;

/** Gaps the listener records for the console and the gauges, also when MongoDB was out of reach as coverage stopped. */
class CoverageGapsTest {

	/** A listener's coverage records in memory, out of reach while {@code down}. */
	private static final class Records implements ListenerCoverage {

		boolean down;

		final List<Gap> gaps = new ArrayList<>();

		@Override
		public String listenerId() {
			return "test";
		}

		@Override
		public Checkpoint checkpoint() {
			return new Checkpoint(0L, null, null);
		}

		@Override
		public void advance(long highestSlot, String lastSignature, Long lastRoot) {
		}

		@Override
		public void rememberRoot(long root) {
		}

		@Override
		public boolean openGap(long fromSlot, String reason) {
			if (down) {
				throw new IllegalStateException("Timed out while waiting for a server");
			}
			if (!gaps.isEmpty() && gaps.get(gaps.size() - 1).toSlot() == null) {
				return false;
			}
			return gaps.add(new Gap("test", fromSlot, null, reason));
		}

		@Override
		public Optional<Gap> closeGap(long toSlot) {
			if (down) {
				throw new IllegalStateException("Timed out while waiting for a server");
			}
			if (gaps.isEmpty() || gaps.get(gaps.size() - 1).toSlot() != null) {
				return Optional.empty();
			}
			Gap open = gaps.remove(gaps.size() - 1);
			Gap closed = new Gap(open.listenerId(), open.fromSlot(), toSlot, open.reason());
			gaps.add(closed);
			return Optional.of(closed);
		}

		@Override
		public void beat(Instant connectedSince, Instant lastNotificationAt, Duration validFor) {
		}
	}

	@Test
	void recordsAGapWhenCoverageStopsAndClosesItAtTheFirstSlotSeenAfter() {
		Records records = new Records();
		CoverageGaps coverage = new CoverageGaps(records, new SimpleMeterRegistry().counter("gaps"));
		coverage.slotSeen(120, 100);

		coverage.open("disconnected");
		coverage.notified(130);

		assertThat(records.gaps).containsExactly(new ListenerCoverage.Gap("test", 100, 130L, "disconnected"));
	}

	@Test
	void recordsAGapMongoDbRefusedOnceItAnswersAgain() {
		Records records = new Records();
		CoverageGaps coverage = new CoverageGaps(records, new SimpleMeterRegistry().counter("gaps"));
		coverage.slotSeen(120, 100);
		records.down = true;

		coverage.open("disconnected");
		coverage.notified(125);
		assertThat(records.gaps).as("still out of reach").isEmpty();

		records.down = false;
		coverage.notified(130);

		assertThat(records.gaps).containsExactly(new ListenerCoverage.Gap("test", 100, 130L, "disconnected"));
	}
}
