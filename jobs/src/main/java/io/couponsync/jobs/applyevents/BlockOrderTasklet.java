package io.couponsync.jobs.applyevents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.RpcException;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.blockorder.BlockPositions;

/**
 * Before applying: reads the block order of the oldest slots where several transactions wait without their
 * position, so they are applied once, in the chain's order. Left to the finality job, which reads a block once its
 * slot is final, they would be applied in signature order first and again in block order some 13 seconds later:
 * twice the writes, and the newer transactions queued behind the second pass.
 * <p>
 * Bounded to the slots of the next chunk and to {@code maxBlocks} blocks, so a long backlog (a first crawl) does not
 * wait behind a long read of blocks; its later slots are ordered by the finality job as before. A read that fails
 * (one attempt, no retries, a short timeout), or whose blocks the node gives none of yet, leaves the order to the
 * finality job too, and the runs of the next minute apply without asking, so an unreachable, throttling or lagging
 * RPC costs one call a minute, not one per run.
 */
class BlockOrderTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(BlockOrderTasklet.class);

	private static final Duration PAUSE = Duration.ofMinutes(1);

	private final StagingRepository staging;

	private final BlockPositions blockPositions;

	private final int nextTransactions;

	private final int maxBlocks;

	private final Clock clock;

	private volatile Instant pausedUntil = Instant.MIN;

	BlockOrderTasklet(StagingRepository staging, BlockPositions blockPositions, int nextTransactions, int maxBlocks,
			Clock clock) {
		this.staging = staging;
		this.blockPositions = blockPositions;
		this.nextTransactions = nextTransactions;
		this.maxBlocks = maxBlocks;
		this.clock = clock;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (clock.instant().isBefore(pausedUntil)) {
			return RepeatStatus.FINISHED;
		}
		List<Long> slots = staging.unplacedSlotsToApply(nextTransactions);
		try {
			BlockPositions.Recorded recorded = blockPositions.record(slots, maxBlocks);
			contribution.incrementWriteCount(recorded.placed());
			if (recorded.blocksAsked() > 0 && recorded.notGivenYet() == recorded.blocksAsked()) {
				pause("the node gives none of the " + recorded.blocksAsked() + " blocks yet");
			}
			else if (recorded.blocksAsked() > 0) {
				log.debug("Block order read from {} blocks before applying: {} transactions placed, {} applied ones "
						+ "to apply again", recorded.blocksAsked() - recorded.notGivenYet(), recorded.placed(),
						recorded.appliedAgain());
			}
		}
		catch (RpcException ex) {
			pause(ex.getMessage());
		}
		return RepeatStatus.FINISHED;
	}

	private void pause(String why) {
		pausedUntil = clock.instant().plus(PAUSE);
		log.warn("Block order not read before applying ({}); the finality job reads it once the slots are final, and "
				+ "the apply runs of the next {} s do not ask", why, PAUSE.toSeconds());
	}
}
