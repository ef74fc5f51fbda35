package io.couponsync.jobs.backfill;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Before a crawl, records its stop point; after a crawl that completed, advances the checkpoint to the newest
 * finalized signature met (every signature down to the stop point is staged by then) and closes the listener
 * gaps the crawl covered. A targeted crawl ({@code untilSignature} or {@code fromSlot}) closes gaps but leaves the
 * checkpoint, since it may not reach down to it.
 */
class BackfillCompletion implements JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(BackfillCompletion.class);

	static final String STOP_SLOT = "backfill.stopSlot";

	private final BackfillCheckpoint checkpoint;

	private final io.couponsync.chain.rpc.SolanaRpcClient rpc;

	private final io.couponsync.jobs.batch.SyncGauges gauges;

	BackfillCompletion(BackfillCheckpoint checkpoint, io.couponsync.chain.rpc.SolanaRpcClient rpc,
			io.couponsync.jobs.batch.SyncGauges gauges) {
		this.checkpoint = checkpoint;
		this.rpc = rpc;
		this.gauges = gauges;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		ExecutionContext context = execution.getExecutionContext();
		if (!context.containsKey(STOP_SLOT)) {
			BackfillCheckpoint.Position position = checkpoint.position();
			Long fromSlot = execution.getJobParameters().getLong("fromSlot");
			long stop = fromSlot != null ? fromSlot : position == null ? 0 : position.slot();
			context.putLong(STOP_SLOT, stop);
		}
	}

	@Override
	public void afterJob(JobExecution execution) {
		if (execution.getStatus() != BatchStatus.COMPLETED) {
			return;
		}
		StepExecution crawl = execution.getStepExecutions().stream()
			.filter(step -> step.getStepName().equals(BackfillJobConfiguration.STEP_NAME)).findFirst().orElse(null);
		if (crawl == null) {
			return;
		}
		ExecutionContext context = crawl.getExecutionContext();
		boolean targeted = execution.getJobParameters().getString("untilSignature") != null
				|| execution.getJobParameters().getLong("fromSlot") != null;
		if (!targeted && context.containsKey(SignatureCrawlReader.NEWEST_FINALIZED)) {
			checkpoint.advance(context.getString(SignatureCrawlReader.NEWEST_FINALIZED),
					context.getLong(SignatureCrawlReader.NEWEST_FINALIZED_SLOT));
		}
		long highest = context.getLong(SignatureCrawlReader.HIGHEST_SLOT, -1);
		if (highest >= 0) {
			long closed = checkpoint.closeGapsWithin(execution.getExecutionContext().getLong(STOP_SLOT), highest);
			if (closed > 0) {
				log.info("Backfill closed {} listener gaps up to slot {}", closed, highest);
			}
		}
		log.debug("Backfill walked {} signatures down to slot {}", crawl.getReadCount(),
				execution.getExecutionContext().getLong(STOP_SLOT));
		long tip = rpc.getSlot("confirmed");
		BackfillCheckpoint.Position position = checkpoint.position();
		long reached = Math.max(highest, position == null ? 0 : position.slot());
		gauges.crawled(Math.max(0, tip - reached), checkpoint.unfilledGapSlots(tip));
	}
}
