package io.couponsync.jobs.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.couponsync.chain.staging.StagingRepository;

/**
 * How far behind the chain the platform is: crawl lag (tip slot − newest slot crawled) and slots inside unfilled
 * listener gaps, as the last crawl in this process measured them; and confirmed transactions not yet settled and the
 * age of the oldest, read from staging when scraped (reused for a few seconds). why staging for those: the finality
 * alert must hold wherever finality runs, a CronJob pod that exits before any scrape included.
 */
public final class SyncGauges {

	private static final Duration REUSE = Duration.ofSeconds(5);

	private final AtomicLong crawlLagSlots = new AtomicLong();

	private final AtomicLong unfilledGapSlots = new AtomicLong();

	private final StagingRepository staging;

	/** Reads the ages the gauges report; the measurements' reuse is timed by the system clock. */
	private final Clock clock;

	private StagingRepository.Unsettled unsettled;

	private Instant measuredAt = Instant.MIN;

	public SyncGauges(MeterRegistry registry, StagingRepository staging, Clock clock) {
		this.staging = staging;
		this.clock = clock;
		Gauge.builder("sync.backfill.lag.slots", crawlLagSlots, AtomicLong::get)
			.description("tip slot minus the newest slot the last crawl reached").register(registry);
		Gauge.builder("sync.backfill.gaps.unfilled.slots", unfilledGapSlots, AtomicLong::get)
			.description("slots inside listener gaps no crawl has covered yet").register(registry);
		Gauge.builder("sync.finality.unresolved", this, gauges -> gauges.unsettled().count())
			.description("staged transactions still only confirmed").register(registry);
		Gauge.builder("sync.finality.unresolved.oldest.seconds", this, gauges -> {
			Instant oldest = gauges.unsettled().oldestReceivedAt();
			return oldest == null ? 0 : Math.max(0, Duration.between(oldest, gauges.clock.instant()).toSeconds());
		}).description("age of the oldest staged transaction still only confirmed").register(registry);
	}

	public void crawled(long lagSlots, long gapSlots) {
		crawlLagSlots.set(lagSlots);
		unfilledGapSlots.set(gapSlots);
	}

	private synchronized StagingRepository.Unsettled unsettled() {
		if (unsettled == null || measuredAt.plus(REUSE).isBefore(Instant.now())) {
			unsettled = staging.unsettled();
			measuredAt = Instant.now();
		}
		return unsettled;
	}
}
