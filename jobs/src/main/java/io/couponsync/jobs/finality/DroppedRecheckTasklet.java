package io.couponsync.jobs.finality;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.FetchedTransaction;
import io.couponsync.chain.rpc.SignatureStatus;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingInserts.InsertResult;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingStatus;

/**
 * Asks the chain again about transactions marked dropped (getSignatureStatuses, history searched): one the cluster
 * now reports confirmed — landed again after the finality job gave it up, or reported missing by a node that lacked
 * its history — is fetched (getTransaction) and staged again at the slot it has now, to be applied. Bounded, so it
 * never grows with history: only transactions staged within {@code windowSlots} of the newest staged slot, at most
 * {@code perRun} per run, the least recently asked first.
 */
class DroppedRecheckTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(DroppedRecheckTasklet.class);

	private final StagingRepository staging;

	private final SolanaRpcClient rpc;

	private final long windowSlots;

	private final int perRun;

	private final Counter revivedCount;

	DroppedRecheckTasklet(StagingRepository staging, SolanaRpcClient rpc, long windowSlots, int perRun,
			Counter revivedCount) {
		this.staging = staging;
		this.rpc = rpc;
		this.windowSlots = windowSlots;
		this.perRun = perRun;
		this.revivedCount = revivedCount;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		Long newest = windowSlots == 0 ? null : newestStagedSlot();
		if (newest == null) {
			return RepeatStatus.FINISHED;
		}
		List<String> dropped = staging.droppedToRecheck(newest - windowSlots, perRun);
		if (dropped.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		List<SignatureStatus> statuses = rpc.getSignatureStatuses(dropped, true);
		List<String> reported = new ArrayList<>();
		for (int i = 0; i < dropped.size(); i++) {
			SignatureStatus status = statuses.get(i);
			// why: a merely processed one may be dropped again; it is asked about again next run
			if (status != null && status.confirmationStatus().confirmed()) {
				reported.add(dropped.get(i));
			}
		}
		if (reported.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		List<StagedTransaction> fetched = new ArrayList<>();
		Instant now = Instant.now();
		for (FetchedTransaction transaction : rpc.getTransactions(reported, ChainCommitment.CONFIRMED.value())) {
			if (transaction != null) {
				// why: confirmed even when finalized, so the finality job settles it like any staged transaction —
				// reads its position in the block and finalizes what applying it wrote
				fetched.add(transaction.staged(now, ChainCommitment.CONFIRMED));
			}
		}
		InsertResult result = staging.insertIfAbsent(fetched);
		revivedCount.increment(result.revived());
		contribution.incrementWriteCount(result.revived());
		if (result.revived() > 0) {
			log.info("{} transactions marked dropped are reported by the chain again: staged again to be applied",
					result.revived());
		}
		return RepeatStatus.FINISHED;
	}

	/**
	 * The newest staged slot; null when nothing was ever dropped, as there is then nothing to ask about. Staging's,
	 * not the cluster's: a run with nothing to settle makes no call (the newest live slot is read in the {@code slot}
	 * index's order, on the embedded server too).
	 */
	private Long newestStagedSlot() {
		Long dropped = staging.newestSlot(StagingStatus.DROPPED);
		if (dropped == null) {
			return null;
		}
		Long live = staging.newestSlot(null);
		return live == null ? dropped : Math.max(live, dropped);
	}
}
