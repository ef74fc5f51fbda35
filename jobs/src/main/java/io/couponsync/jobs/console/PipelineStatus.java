package io.couponsync.jobs.console;

import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;

import io.couponsync.chain.staging.CoverageRepository;
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
 * {@code sync.reconcile.differences}. The gauges reuse a measurement for a few seconds, so that scrapes (one per
 * gauge) do not each query MongoDB and the RPC; the console measures on every view.
 */
public class PipelineStatus {

	private static final Duration REUSE = Duration.ofSeconds(5);

	private final StagingRepository staging;

	private final DeadLetterStore deadLetters;

	private final DifferenceReport differences;

	private final JobRepository jobRepository;

	private final RpcProbe rpc;

	private final CoverageRepository coverage;

	private final MeterRegistry registry;

	private volatile PipelineFigures last;

	PipelineStatus(StagingRepository staging, DeadLetterStore deadLetters, DifferenceReport differences,
			JobRepository jobRepository, RpcProbe rpc, CoverageRepository coverage, MeterRegistry registry) {
		this.staging = staging;
		this.deadLetters = deadLetters;
		this.differences = differences;
		this.jobRepository = jobRepository;
		this.rpc = rpc;
		this.coverage = coverage;
		this.registry = registry;
		lag("tip-staged", PipelineFigures::tipMinusStaged);
		lag("staged-applied", PipelineFigures::stagedMinusApplied);
		lag("applied-finalized", PipelineFigures::appliedMinusFinalized);
		gauge("sync.pipeline.gaps.open", "listener coverage gaps no crawl has filled yet", PipelineFigures::openGaps);
		gauge("sync.deadletters", "dead letters not re-queued", PipelineFigures::deadLetters);
		gauge("sync.reconcile.differences", "differences the last reconciliation found",
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
		if (figures == null || figures.measuredAt().plus(REUSE).isBefore(Instant.now())) {
			figures = measure();
		}
		return figures;
	}

	/** The figures measured now (what the console shows). */
	PipelineFigures measure() {
		Gauge connected = registry.find("sync.listener.connected").gauge();
		Long reconcileExecution = lastExecutionId(ReconcileJobConfiguration.JOB_NAME);
		PipelineFigures figures = new PipelineFigures(connected == null ? null : connected.value() == 1, tipSlot(),
				staging.newestSlot(null), staging.newestSlot(StagingStatus.APPLIED), staging.newestFinalizedSlot(),
				coverage.unfilledGaps(),
				(long) gaugeValue("sync.finality.unresolved"), (long) gaugeValue("sync.finality.unresolved.oldest.seconds"),
				deadLetters.count(), (long) counterTotal("sync.rpc.errors"), (long) counterTotal("sync.rpc.throttled"),
				reconcileExecution == null ? 0 : differences.count(reconcileExecution), reconcileExecution,
				Instant.now());
		last = figures;
		return figures;
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

	private double gaugeValue(String name) {
		Gauge gauge = registry.find(name).gauge();
		return gauge == null ? 0 : gauge.value();
	}

	private double counterTotal(String name) {
		return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
	}
}
