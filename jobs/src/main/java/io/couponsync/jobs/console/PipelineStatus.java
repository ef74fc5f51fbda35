package io.couponsync.jobs.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.ListenerCoverage;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.accountstate.DifferenceReport;
import io.couponsync.jobs.applyevents.DeadLetterStore;
import io.couponsync.jobs.reconcile.ReconcileJobConfiguration;
import io.couponsync.platform.rpc.RpcProbe;

/**
 * Measures the pipeline ({@link PipelineFigures}) for the console and publishes what the other meters do not say as
 * gauges: {@code sync.pipeline.lag.slots} per stage ({@code tip-staged}, {@code staged-applied},
 * {@code applied-finalized}), {@code sync.pipeline.gaps.open}, {@code sync.deadletters} and
 * {@code sync.reconcile.last.differences} (not {@code sync.reconcile.differences}, the reconcile job's counter by type: Prometheus
 * refuses two meters of one name with different tags). The gauges reuse a measurement for a few seconds, so that scrapes (one per
 * gauge) do not each query MongoDB and the RPC; the console measures on every view. Whatever another process does
 * is read where it records it, never from this process's meters: the listener's connection from the heartbeats in
 * the coverage repository, unresolved transactions (by age) from staging — so the view is the same wherever the
 * listener and the finality job run.
 */
public class PipelineStatus {

	private static final Duration REUSE = Duration.ofSeconds(5);

	/**
	 * The ages unresolved transactions are counted past. why these: finalization takes ~13 s under TowerBFT (well
	 * under a second under Alpenglow), so one still confirmed after a minute is late, and after an hour stuck.
	 */
	private static final List<Map.Entry<String, Duration>> UNRESOLVED_AGES = List.of(
			Map.entry("1m", Duration.ofMinutes(1)), Map.entry("10m", Duration.ofMinutes(10)),
			Map.entry("1h", Duration.ofHours(1)));

	private final StagingRepository staging;

	private final DeadLetterStore deadLetters;

	private final DifferenceReport differences;

	private final JobRepository jobRepository;

	private final RpcProbe rpc;

	private final CoverageRepository coverage;

	private final MeterRegistry registry;

	/** Ages and heartbeat expiry are judged by it. */
	private final Clock clock;

	private volatile PipelineFigures last;

	private volatile long lastMeasuredNanos;

	PipelineStatus(StagingRepository staging, DeadLetterStore deadLetters, DifferenceReport differences,
			JobRepository jobRepository, RpcProbe rpc, CoverageRepository coverage, MeterRegistry registry,
			Clock clock) {
		this.staging = staging;
		this.deadLetters = deadLetters;
		this.differences = differences;
		this.jobRepository = jobRepository;
		this.rpc = rpc;
		this.coverage = coverage;
		this.registry = registry;
		this.clock = clock;
		lag("tip-staged", PipelineFigures::tipMinusStaged);
		lag("staged-applied", PipelineFigures::stagedMinusApplied);
		lag("applied-finalized", PipelineFigures::appliedMinusFinalized);
		gauge("sync.pipeline.gaps.open", "listener coverage gaps no crawl has filled yet", PipelineFigures::openGaps);
		gauge("sync.deadletters", "dead letters not re-queued", PipelineFigures::deadLetters);
		gauge("sync.reconcile.last.differences", "differences the last reconciliation found",
				PipelineFigures::reconcileDifferences);
	}

	private void lag(String stage, java.util.function.Function<PipelineFigures, Long> lag) {
		Gauge.builder("sync.pipeline.lag.slots", this, status -> {
			Long slots = lag.apply(status.current());
			return slots == null ? Double.NaN : slots;
		}).tag("stage", stage).description("slots between two stages of the pipeline (NaN while unknown)")
			.register(registry);
	}

	private void gauge(String name, String description, ToDoubleFunction<PipelineFigures> value) {
		Gauge.builder(name, this, status -> value.applyAsDouble(status.current())).description(description)
			.register(registry);
	}

	/** The latest figures, measured now unless measured a moment ago (what the gauges report). */
	PipelineFigures current() {
		PipelineFigures figures = last;
		// why: the monotonic clock times the reuse; the context's clock may be set back (tests) or jump
		if (figures == null || System.nanoTime() - lastMeasuredNanos > REUSE.toNanos()) {
			figures = measure();
		}
		return figures;
	}

	/** The figures measured now (what the console shows). */
	PipelineFigures measure() {
		Instant now = clock.instant();
		List<ListenerCoverage.Heartbeat> heartbeats = coverage.heartbeats();
		// why: a report that was not renewed in time is from a listener that stopped or whose process died
		List<ListenerCoverage.Heartbeat> live = heartbeats.stream().filter(beat -> beat.alive(now)).toList();
		Instant connectedSince = live.stream().map(ListenerCoverage.Heartbeat::connectedSince)
			.filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
		Instant lastNotification = live.stream().map(ListenerCoverage.Heartbeat::lastNotificationAt)
			.filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
		StagingRepository.Unsettled unsettled = staging.unsettled();
		Map<String, Long> olderThan = unresolvedOlderThan(now);
		Long reconcileExecution = lastExecutionId(ReconcileJobConfiguration.JOB_NAME);
		Map<String, Long> byKind = reconcileExecution == null ? Map.of() : differences.countByKind(reconcileExecution);
		PipelineFigures figures = new PipelineFigures(heartbeats.isEmpty() ? null : connectedSince != null,
				connectedSince, lastNotification, tipSlot(), staging.newestSlot(null),
				staging.newestSlot(StagingStatus.APPLIED), staging.newestFinalizedSlot(), coverage.unfilledGaps(),
				unsettled.count(), unsettled.oldestReceivedAt() == null ? 0
						: Math.max(0, Duration.between(unsettled.oldestReceivedAt(), now).toSeconds()),
				olderThan, deadLetters.count(), (long) counterTotal("sync.rpc.errors"),
				(long) counterTotal("sync.rpc.throttled"),
				byKind.values().stream().mapToLong(Long::longValue).sum(), byKind, reconcileExecution, now);
		last = figures;
		lastMeasuredNanos = System.nanoTime();
		return figures;
	}

	private Map<String, Long> unresolvedOlderThan(Instant now) {
		Map<String, Instant> before = new LinkedHashMap<>();
		UNRESOLVED_AGES.forEach(age -> before.put(age.getKey(), now.minus(age.getValue())));
		Map<Instant, Long> counts = staging.unsettledReceivedBefore(before.values());
		Map<String, Long> olderThan = new LinkedHashMap<>();
		before.forEach((label, instant) -> olderThan.put(label, counts.getOrDefault(instant, 0L)));
		return olderThan;
	}

	private Long tipSlot() {
		try {
			return rpc.confirmedSlot();
		}
		catch (RuntimeException ex) {
			// why: an RPC that does not answer at once is shown as an unknown tip; the page must not wait on it
			return null;
		}
	}

	private Long lastExecutionId(String jobName) {
		JobInstance instance = jobRepository.getLastJobInstance(jobName);
		JobExecution execution = instance == null ? null : jobRepository.getLastJobExecution(instance);
		return execution == null ? null : execution.getId();
	}

	private double counterTotal(String name) {
		return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
	}
}
