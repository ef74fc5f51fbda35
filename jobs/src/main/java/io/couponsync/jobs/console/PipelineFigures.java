package io.couponsync.jobs.console;

import java.time.Instant;

/**
 * How far the pipeline is behind the chain, at one moment. Slots are null where nothing is known yet (an empty
 * staging collection, an RPC that did not answer); a lag is null when either of its ends is.
 *
 * @param listenerConnected whether this process's listener is subscribed; null when no listener runs here
 * @param tipSlot the RPC's confirmed slot
 * @param stagedSlot the newest slot in staging
 * @param appliedSlot the newest slot applied to the read model
 * @param finalizedSlot the newest slot whose staged transactions are finalized
 * @param openGaps listener coverage gaps no crawl has filled yet
 * @param unresolved staged transactions still only confirmed (read from staging a few seconds ago at most)
 * @param oldestUnresolvedSeconds age of the oldest of them
 * @param deadLetters dead letters not re-queued
 * @param rpcErrors failed RPC attempts since start (retried or not)
 * @param rpcThrottled RPC answers 429 since start
 * @param reconcileDifferences differences the last reconciliation found
 * @param reconcileExecutionId that reconciliation's job execution; null before the first
 * @param measuredAt when these were measured
 */
public record PipelineFigures(Boolean listenerConnected, Long tipSlot, Long stagedSlot, Long appliedSlot,
		Long finalizedSlot, long openGaps, long unresolved, long oldestUnresolvedSeconds, long deadLetters,
		long rpcErrors, long rpcThrottled, long reconcileDifferences, Long reconcileExecutionId, Instant measuredAt) {

	public Long tipMinusStaged() {
		return difference(tipSlot, stagedSlot);
	}

	public Long stagedMinusApplied() {
		return difference(stagedSlot, appliedSlot);
	}

	public Long appliedMinusFinalized() {
		return difference(appliedSlot, finalizedSlot);
	}

	private static Long difference(Long ahead, Long behind) {
		return ahead == null || behind == null ? null : Math.max(0, ahead - behind);
	}
}
