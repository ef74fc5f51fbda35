package io.couponsync.jobs.backfill;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.jobs.batch.SyncGauges;

/**
 * Before a crawl, records its stop point; after a crawl that completed, advances the crawl checkpoint to the one the
 * {@link BackfillStagingWriter} chose: a finalized signature, below any that looked dropped (every signature down to
 * the stop point is staged by then; only a finalized one, since a fork may remove a confirmed one and a next crawl's
 * {@code until} would point at nothing) and fills the listener
 * gaps the crawl covered, both through the {@link CoverageRepository}. A targeted crawl ({@code untilSignature} or
 * {@code fromSlot}) fills gaps but leaves the checkpoint, since it may not reach down to it.
 */
class BackfillCompletion implements JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(BackfillCompletion.class);

	static final String STOP_SLOT = "backfill.stopSlot";

	private final CoverageRepository coverage;

	private final SolanaRpcClient rpc;

	private final SyncGauges gauges;

	private final JobRepository jobRepository;

	BackfillCompletion(CoverageRepository coverage, SolanaRpcClient rpc, SyncGauges gauges,
			JobRepository jobRepository) {
		this.coverage = coverage;
		this.rpc = rpc;
		this.gauges = gauges;
		this.jobRepository = jobRepository;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		ExecutionContext context = execution.getExecutionContext();
		if (!context.containsKey(STOP_SLOT)) {
			Long fromSlot = execution.getJobParameters().getLong("fromSlot");
			long stop = fromSlot != null ? fromSlot
					: coverage.crawlCheckpoint().map(CoverageRepository.CrawlCheckpoint::slot).orElse(0L);
			context.putLong(STOP_SLOT, stop);
		}
	}

	@Override
	public void afterJob(JobExecution execution) {
		if (execution.getStatus() != BatchStatus.COMPLETED) {
			return;
		}
		StepExecution crawl = completedCrawl(execution);
		if (crawl == null) {
			return;
		}
		ExecutionContext context = crawl.getExecutionContext();
		boolean targeted = execution.getJobParameters().getString("untilSignature") != null
				|| execution.getJobParameters().getLong("fromSlot") != null;
		// why: gaps first, the checkpoint last: a crash between them leaves the checkpoint where it was, so the next
		// crawl covers the range again and fills them (the other way round, they would stay open past it)
		long highest = context.getLong(SignatureCrawlReader.HIGHEST_SLOT, -1);
		if (highest >= 0) {
			// why: below its stop point an untargeted crawl relies on the ones before it, which walked down to the
			// checkpoint; so a gap that began below it (a listener down while crawls went on) is covered too
			long lowest = targeted ? execution.getExecutionContext().getLong(STOP_SLOT) : 0;
			long filled = coverage.fillGapsWithin(lowest, highest);
			if (filled > 0) {
				log.info("Backfill filled {} listener gaps up to slot {}", filled, highest);
			}
		}
		if (!targeted && context.containsKey(BackfillStagingWriter.CHECKPOINT)) {
			coverage.advanceCrawl(context.getString(BackfillStagingWriter.CHECKPOINT),
					context.getLong(BackfillStagingWriter.CHECKPOINT_SLOT));
		}
		log.debug("Backfill walked {} signatures down to slot {}", crawl.getReadCount(),
				execution.getExecutionContext().getLong(STOP_SLOT));
		long tip = rpc.getSlot("confirmed");
		long reached = Math.max(highest, coverage.crawlCheckpoint().map(CoverageRepository.CrawlCheckpoint::slot)
			.orElse(0L));
		gauges.crawled(Math.max(0, tip - reached), coverage.unfilledGapSlots(tip));
	}

	/**
	 * The crawl this execution completed, or the one an earlier execution of the same instance completed: a restart
	 * after the crawl completed and a later step failed runs that step only, and the crawl's checkpoint and gaps
	 * would otherwise be left for the next crawl to walk again.
	 */
	private StepExecution completedCrawl(JobExecution execution) {
		StepExecution crawl = execution.getStepExecutions().stream()
			.filter(step -> step.getStepName().equals(BackfillJobConfiguration.STEP_NAME)).findFirst()
			.orElseGet(() -> jobRepository.getLastStepExecution(execution.getJobInstance(),
					BackfillJobConfiguration.STEP_NAME));
		return crawl != null && crawl.getStatus() == BatchStatus.COMPLETED ? crawl : null;
	}
}
