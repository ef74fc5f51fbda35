package io.couponsync.jobs.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.FetchedTransaction;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;

/**
 * Completes transactions flagged {@code needsRefetch}: staged from a notification while their program invoked
 * itself ({@code emit_cpi!}, flagged by the apply job: those events are in inner instructions, which only
 * getTransaction gives), or landed again after a fork (flagged by the finality job: run again, their logs may
 * differ). The staged document gets what getTransaction says (at confirmed; one not yet confirmed waits for the
 * next run) and goes back to received, so the apply job applies it, completely. One the chain reports at another
 * slot than staged is left flagged: the finality job sees the move, undoes it and stages it at its new slot.
 */
class RefetchTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(RefetchTasklet.class);

	private final SolanaRpcClient rpc;

	private final StagingRepository staging;

	private final int limit;

	RefetchTasklet(SolanaRpcClient rpc, StagingRepository staging, int limit) {
		this.rpc = rpc;
		this.staging = staging;
		this.limit = limit;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		List<String> signatures = staging.toRefetch(limit);
		if (signatures.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		List<StagedTransaction> fetched = new ArrayList<>();
		List<String> unknown = new ArrayList<>();
		Instant now = Instant.now();
		List<FetchedTransaction> answers = rpc.getTransactions(signatures, "confirmed");
		for (int i = 0; i < answers.size(); i++) {
			if (answers.get(i) != null) {
				fetched.add(answers.get(i).staged(now, ChainCommitment.CONFIRMED));
			}
			else {
				unknown.add(signatures.get(i));
			}
		}
		if (!unknown.isEmpty()) {
			log.warn("{} flagged transactions are unknown to the node at confirmed (pruned, or not confirmed yet), e.g. "
					+ "{}: left flagged, tried again after the others", unknown.size(), unknown.get(0));
		}
		long completed = staging.completeRefetch(fetched);
		contribution.incrementWriteCount(completed);
		log.info("Refetched {} transactions (emit_cpi! events only getTransaction carries, or landed again)",
				completed);
		if (completed < fetched.size()) {
			log.info("{} fetched transactions are at another slot than staged (landed again after a fork): left "
					+ "flagged until the finality job undoes them and stages them at their new slot",
					fetched.size() - completed);
		}
		return RepeatStatus.FINISHED;
	}
}
