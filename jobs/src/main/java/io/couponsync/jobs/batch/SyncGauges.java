package io.couponsync.jobs.batch;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How far behind the chain the platform is, as the jobs last measured it: crawl lag (tip slot − newest slot
 * crawled), slots inside unfilled listener gaps, confirmed transactions not yet settled and the age of the oldest.
 */
public final class SyncGauges {

	private final AtomicLong crawlLagSlots = new AtomicLong();

	private final AtomicLong unfilledGapSlots = new AtomicLong();

	private final AtomicLong unresolved = new AtomicLong();

	private final AtomicLong oldestUnresolvedSeconds = new AtomicLong();

	public SyncGauges(MeterRegistry registry) {
		Gauge.builder("sync.backfill.lag.slots", crawlLagSlots, AtomicLong::get)
			.description("tip slot minus the newest slot the last crawl reached").register(registry);
		Gauge.builder("sync.backfill.gaps.unfilled.slots", unfilledGapSlots, AtomicLong::get)
			.description("slots inside listener gaps no crawl has covered yet").register(registry);
		Gauge.builder("sync.finality.unresolved", unresolved, AtomicLong::get)
			.description("staged transactions still only confirmed").register(registry);
		Gauge.builder("sync.finality.unresolved.oldest.seconds", oldestUnresolvedSeconds, AtomicLong::get)
			.description("age of the oldest staged transaction still only confirmed").register(registry);
	}

	public void crawled(long lagSlots, long gapSlots) {
		crawlLagSlots.set(lagSlots);
		unfilledGapSlots.set(gapSlots);
	}

	public void settled(long stillUnresolved, long oldestSeconds) {
		unresolved.set(stillUnresolved);
		oldestUnresolvedSeconds.set(oldestSeconds);
	}
}
