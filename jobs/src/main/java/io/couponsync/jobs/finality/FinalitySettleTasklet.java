package io.couponsync.jobs.finality;

import java.time.Duration;
import java.time.Instant;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.batch.SyncGauges;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * The finality job's last step: reads again the blocks whose order was not available before, finalizes the
 * documents a resync or an orphan mark wrote once their slot is final, and reports what is still unsettled.
 */
class FinalitySettleTasklet implements Tasklet {

	private final StagingRepository staging;

	private final ReadModelStore readModel;

	/** Null when {@code sync.jobs.finality.record-block-order} is off. */
	private final BlockPositions blockPositions;

	private final SolanaRpcClient rpc;

	private final SyncGauges gauges;

	FinalitySettleTasklet(StagingRepository staging, ReadModelStore readModel, BlockPositions blockPositions,
			SolanaRpcClient rpc, SyncGauges gauges) {
		this.staging = staging;
		this.readModel = readModel;
		this.blockPositions = blockPositions;
		this.rpc = rpc;
		this.gauges = gauges;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (blockPositions != null) {
			blockPositions.retryPending();
		}
		if (readModel.hasUnfinalizedResyncs()) {
			readModel.finalizeResyncs(rpc.getSlot(ChainCommitment.FINALIZED.value()));
		}
		StagingRepository.Unsettled unsettled = staging.unsettled();
		long age = unsettled.oldestReceivedAt() == null ? 0
				: Duration.between(unsettled.oldestReceivedAt(), Instant.now()).toSeconds();
		gauges.settled(unsettled.count(), age);
		return RepeatStatus.FINISHED;
	}
}
