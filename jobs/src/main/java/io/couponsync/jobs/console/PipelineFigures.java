package io.couponsync.jobs.console;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How far the pipeline is behind the chain, at one moment. Slots are null where nothing is known yet (an empty
 * staging collection, an RPC that did not answer); a lag is null when either of its ends is.
 *
 * @param listenerConnected whether a listener of the program, in whatever process, reports itself subscribed (its
 * heartbeat); false when listeners reported but none is connected or their reports expired; null when none reported
 * @param listenerConnectedSince since when the longest-connected live listener is subscribed; null when none is
 * @param lastNotificationAt the newest notification a live listener reported; null when none
 * @param tipSlot the RPC's confirmed slot
 * @param stagedSlot the newest slot in staging
 * @param appliedSlot the newest slot applied to the read model
 * @param finalizedSlot the newest slot whose staged transactions are finalized
 * @param openGaps listener coverage gaps no crawl has filled yet
 * @param unresolved staged transactions still only confirmed (not dropped), counted in staging
 * @param oldestUnresolvedSeconds how long ago the oldest of them was received
 * @param unresolvedOlderThan how many of them were received longer ago than each age ({@code 1m}, {@code 10m},
 * {@code 1h}): a confirmed transaction not finalized minutes later is stuck, not slow
 * @param deadLetters dead letters not re-queued
 * @param rpcErrors failed RPC attempts since start (retried or not)
 * @param rpcThrottled RPC answers 429 since start
 * @param reconcileDifferences differences the last reconciliation found
 * @param reconcileDifferencesByKind the same by kind ({@code field} split into {@code field-lacking}, fields the
 * documents did not hold, and {@code field}, values that differed), none with no difference
 * @param reconcileExecutionId that reconciliation's job execution; null before the first
 * @param measuredAt when these were measured
 */
public record PipelineFigures(Boolean listenerConnected, Instant listenerConnectedSince, Instant lastNotificationAt,
		Long tipSlot, Long stagedSlot, Long appliedSlot, Long finalizedSlot, long openGaps, long unresolved,
		long oldestUnresolvedSeconds, Map<String, Long> unresolvedOlderThan, long deadLetters, long rpcErrors,
		long rpcThrottled, long reconcileDifferences, Map<String, Long> reconcileDifferencesByKind,
		Long reconcileExecutionId, Instant measuredAt) {

	@JsonProperty
	public Long tipMinusStaged() {
		return difference(tipSlot, stagedSlot);
	}

	@JsonProperty
	public Long stagedMinusApplied() {
		return difference(stagedSlot, appliedSlot);
	}

	@JsonProperty
	public Long appliedMinusFinalized() {
		return difference(appliedSlot, finalizedSlot);
	}

	private static Long difference(Long ahead, Long behind) {
		return ahead == null || behind == null ? null : Math.max(0, ahead - behind);
	}
}
