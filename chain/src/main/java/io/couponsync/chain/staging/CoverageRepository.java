package io.couponsync.chain.staging;

import java.util.List;
import java.util.Optional;

/**
 * How much of the program's history is known to be staged, for one program: each listener's coverage
 * ({@link ListenerCoverage}: checkpoint, gaps, heartbeat) and the signature crawler's checkpoint, the newest
 * finalized signature down to which everything is staged. The crawler fills the listeners' gaps it covered; the
 * console reads what is open and who is connected. The only way to these documents, as {@link StagingRepository}
 * is to staging.
 */
public interface CoverageRepository {

	/** Where the next crawl stops: a finalized signature and its slot. */
	record CrawlCheckpoint(String signature, long slot) {
	}

	/** One listener's view of its own coverage. */
	ListenerCoverage listener(String listenerId);

	// ---- the crawler ----

	Optional<CrawlCheckpoint> crawlCheckpoint();

	/** Moves the crawl checkpoint to a finalized signature (the caller vouches for it being finalized). */
	void advanceCrawl(String signature, long slot);

	/**
	 * Slots inside the gaps no crawl has filled yet, every listener's; a gap still open counts up to
	 * {@code tipSlot}.
	 */
	long unfilledGapSlots(long tipSlot);

	/** closed → filled, every listener's gap that lies within [lowestSlot, highestSlot]; returns how many. */
	long fillGapsWithin(long lowestSlot, long highestSlot);

	// ---- the console ----

	/** Gaps no crawl has filled yet (open or closed), every listener's. */
	long unfilledGaps();

	/** Every listener's last heartbeat, whether it still counts or not. */
	List<ListenerCoverage.Heartbeat> heartbeats();
}
