package io.couponsync.jobs.applyevents;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.staging.StagingRepository;

/**
 * Before applying: with {@code fromSlot}, moves applied transactions from that slot on back to received so they
 * are applied again (rebuilding projections after a fix, with the same result as a first run); with
 * {@code requeueDeadLetters}, moves dead letters back to received.
 */
class PrepareApplyTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(PrepareApplyTasklet.class);

	private final StagingRepository staging;

	private final DeadLetterStore deadLetters;

	private final Long fromSlot;

	private final boolean requeueDeadLetters;

	PrepareApplyTasklet(StagingRepository staging, DeadLetterStore deadLetters, Long fromSlot,
			boolean requeueDeadLetters) {
		this.staging = staging;
		this.deadLetters = deadLetters;
		this.fromSlot = fromSlot;
		this.requeueDeadLetters = requeueDeadLetters;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (fromSlot != null) {
			long replayed = staging.replayFrom(fromSlot);
			log.info("Replay from slot {}: {} applied transactions queued again", fromSlot, replayed);
			contribution.incrementWriteCount(replayed);
		}
		if (requeueDeadLetters) {
			long requeued = deadLetters.requeueAll();
			log.info("{} dead letters queued again", requeued);
			contribution.incrementWriteCount(requeued);
		}
		return RepeatStatus.FINISHED;
	}
}
