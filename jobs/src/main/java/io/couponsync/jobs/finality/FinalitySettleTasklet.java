package io.couponsync.jobs.finality;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.jobs.blockorder.BlockPositions;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * The finality job's last step: reads again the blocks whose order was not available before, finalizes the
 * documents a resync or an orphan mark wrote once their slot is final, and gives back from finalized state the
 * set-once fields a fork's undo took out ({@link SetOnceFieldRereads}). (What is still unsettled is read from staging
 * by {@code SyncGauges} when scraped.)
 */
class FinalitySettleTasklet implements Tasklet {

	private final ReadModelStore readModel;

	/** Null when {@code sync.jobs.finality.record-block-order} is off. */
	private final BlockPositions blockPositions;

	private final SolanaRpcClient rpc;

	private final SetOnceFieldRereads setOnceFieldRereads;

	FinalitySettleTasklet(ReadModelStore readModel, BlockPositions blockPositions, SolanaRpcClient rpc,
			SetOnceFieldRereads setOnceFieldRereads) {
		this.readModel = readModel;
		this.blockPositions = blockPositions;
		this.rpc = rpc;
		this.setOnceFieldRereads = setOnceFieldRereads;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (blockPositions != null) {
			blockPositions.retryPending();
		}
		boolean resyncs = readModel.hasUnfinalizedResyncs();
		boolean setOnceRereads = readModel.hasSetOnceRereads();
		if (resyncs || setOnceRereads) {
			long finalizedSlot = rpc.getSlot(ChainCommitment.FINALIZED.value());
			if (resyncs) {
				readModel.finalizeResyncs(finalizedSlot);
			}
			if (setOnceRereads) {
				contribution.incrementWriteCount(setOnceFieldRereads.reread(finalizedSlot));
			}
		}
		return RepeatStatus.FINISHED;
	}
}
