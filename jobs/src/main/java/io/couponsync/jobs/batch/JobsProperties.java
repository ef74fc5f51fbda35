package io.couponsync.jobs.batch;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.couponsync.platform.config.DurationRange;

/**
 * The batch jobs.
 *
 * @param recoverOnStartup at start-up, mark FAILED the executions left STARTED by launches whose lease expired (a
 * process killed mid-job); every launch does so for its own jobs anyway
 * @param shutdownTimeout how long a graceful shutdown waits for running jobs to stop at a chunk boundary and their
 * launches to release their leases
 * @param lease the leases that keep two executions of a job from running at once across processes
 * @param apply the event application job
 * @param backfill the signature crawler
 * @param finality the finality job
 * @param reconcile the reconciliation job
 * @param orphans the orphan-cleanup job
 * @param retention the job-repository retention job
 */
@Validated
@ConfigurationProperties("sync.jobs")
public record JobsProperties(@DefaultValue("true") boolean recoverOnStartup,
		@NotNull @DurationRange(min = "0s", max = "1h") @DefaultValue("30s") Duration shutdownTimeout, @Valid @NotNull @DefaultValue LeaseSettings lease,
		@Valid @NotNull @DefaultValue Apply apply,
		@Valid @NotNull @DefaultValue Backfill backfill, @Valid @NotNull @DefaultValue Finality finality,
		@Valid @NotNull @DefaultValue Reconcile reconcile, @Valid @NotNull @DefaultValue Orphans orphans,
		@Valid @NotNull @DefaultValue Retention retention) {

	/**
	 * @param days days a job execution is kept after it ended (failed and stopped ones: until acknowledged, then
	 * these days)
	 */
	public record Retention(@Min(1) @Max(36_500) @DefaultValue("30") int days) {
	}

	/**
	 * @param ttl how long a lease outlives its last heartbeat: a process killed mid-job holds its jobs' lease this
	 * long, after which the next launch recovers its execution
	 * @param heartbeat how often a running launch renews its lease; well under the time-to-live, so a slow database
	 * or a pause does not lose it
	 * @param recoveryWait how long a launch waits for a lease a recovery holds (for the few statements that mark a
	 * killed process's executions FAILED) before it gives up as on any held lease
	 * @param turnWait how long a launch waits while another job of its lease's group runs (the read-model writers
	 * share one lease) before it gives up
	 * @param sameJobWait how long a launch waits while another execution of its own job holds the lease: 0s (the
	 * default) gives up at once, as a schedule's next fire does the work; a CronJob's retry after its pod was killed
	 * waits a little past the ttl, so that it takes the dead pod's lease once it expires and continues its execution
	 */
	public record LeaseSettings(@NotNull @DurationRange(min = "2s", max = "1h") @DefaultValue("60s") Duration ttl,
			@NotNull @DefaultValue("15s") Duration heartbeat,
			@NotNull @DurationRange(min = "0s", max = "10m") @DefaultValue("10s") Duration recoveryWait,
			@NotNull @DurationRange(min = "0s", max = "1h") @DefaultValue("30s") Duration turnWait,
			@NotNull @DurationRange(min = "0s", max = "1h") @DefaultValue("0s") Duration sameJobWait) {

		@AssertTrue(message = "must be at most half the lease's ttl")
		public boolean isHeartbeatWellUnderTtl() {
			return ttl == null || heartbeat == null
					|| (!heartbeat.isNegative() && !heartbeat.isZero() && heartbeat.multipliedBy(2).compareTo(ttl) <= 0);
		}
	}

	/**
	 * @param commitment the commitment accounts are read at: {@code finalized} (never rolled back) or
	 * {@code confirmed}
	 * @param parallelism partitions of a full run worked on at once
	 * @param partitionAccounts accounts per partition of a full run (a type with more is split by key range)
	 * @param pagesPerChunk getMultipleAccounts pages (100 accounts each) per chunk of a full run's partition
		 */
	public record Reconcile(@NotNull @Pattern(regexp = "confirmed|finalized") @DefaultValue("finalized") String commitment,
			@Min(1) @Max(64) @DefaultValue("4") int parallelism,
			@Min(1000) @Max(10_000_000) @DefaultValue("50000") int partitionAccounts,
			@Min(1) @Max(100) @DefaultValue("5") int pagesPerChunk) {
	}

	/**
	 * @param retentionDays days an orphaned document is kept (marked) before it is purged
	 */
	public record Orphans(@Min(0) @Max(36_500) @DefaultValue("30") int retentionDays) {
	}

	/**
	 * @param dropMarginSlots a transaction the cluster no longer knows counts as dropped once the finalized slot is
	 * this many slots past its own
	 * @param recordBlockOrder read the block (getBlock) of every slot holding several staged transactions, so they
	 * are applied in the chain's order rather than by signature
	 * @param recheckDroppedSlots how far back dropped transactions are asked about again: those staged within this
	 * many slots of the newest staged slot (0: never asked again)
	 * @param recheckDroppedPerRun the most dropped transactions asked about again per run, the least recently asked
	 * first (getSignatureStatuses, 256 per call)
	 */
	public record Finality(@Min(0) @DefaultValue("32") long dropMarginSlots,
			@DefaultValue("true") boolean recordBlockOrder,
			@Min(0) @Max(1_000_000) @DefaultValue("1500") long recheckDroppedSlots,
			@Min(1) @Max(25_600) @DefaultValue("512") int recheckDroppedPerRun) {
	}

	/**
	 * @param pageSize signatures per getSignaturesForAddress page (the protocol allows 1,000)
	 * @param chunkSize signatures per chunk: one existence query, getTransaction batches, one insert
	 * @param concurrency getTransaction batches in flight at once
	 */
	public record Backfill(@Min(1) @Max(1000) @DefaultValue("1000") int pageSize,
			@Min(1) @Max(10_000) @DefaultValue("200") int chunkSize, @Min(1) @Max(64) @DefaultValue("4") int concurrency) {
	}

	/**
	 * @param chunkSize staged transactions per chunk (and per read query)
	 * @param skipLimit transactions one run may dead-letter (undecodable, not projectable, waited too long) before it
	 * fails
	 * @param retryLimit retries of a chunk after a transient MongoDB error
	 * @param maxWaits runs a transaction may wait for an earlier event not in the log before it is dead-lettered
	 * @param blockOrderSlots the most blocks a run reads before applying: those of the oldest slots among the next
	 * chunk's where several transactions wait without their position, so they are applied once in the chain's order;
	 * 0 leaves every slot to the finality job, which reads it once final and has what was applied in signature order
	 * applied again. Off with {@code finality.record-block-order=false} too.
	 */
	public record Apply(@Min(1) @Max(10_000) @DefaultValue("500") int chunkSize,
			@Min(0) @DefaultValue("1000") long skipLimit, @Min(0) @Max(20) @DefaultValue("5") long retryLimit,
			@Min(1) @DefaultValue("100") int maxWaits, @Min(0) @Max(1000) @DefaultValue("32") int blockOrderSlots) {
	}
}
