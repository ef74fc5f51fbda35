package io.couponsync.jobs.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.rpc.TransactionResponse;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingStatus;
import tools.jackson.databind.JsonNode;

/**
 * Completes transactions flagged {@code needsRefetch}: staged from a notification while their program invoked
 * itself ({@code emit_cpi!}, flagged by the apply job: those events are in inner instructions, which only
 * getTransaction gives), or landed again after a fork (flagged by the finality job: run again, their logs may
 * differ). The staged document gets what getTransaction says (at confirmed; one not yet confirmed waits for the
 * next run) and goes back to received, so the apply job applies it, completely.
 */
class RefetchTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(RefetchTasklet.class);

	private final SolanaRpcClient rpc;

	private final MongoCollection<Document> staging;

	private final int limit;

	RefetchTasklet(SolanaRpcClient rpc, MongoCollection<Document> staging, int limit) {
		this.rpc = rpc;
		this.staging = staging;
		this.limit = limit;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		List<String> signatures = new ArrayList<>();
		staging.find(Filters.and(Filters.eq("needsRefetch", true), Filters.ne("status", StagingStatus.DROPPED.value())))
			.limit(limit)
			.forEach(document -> signatures.add(document.getString("_id")));
		if (signatures.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		List<JsonNode> answers = rpc.getTransactions(signatures, "confirmed");
		int completed = 0;
		for (int i = 0; i < signatures.size(); i++) {
			JsonNode answer = answers.get(i);
			if (answer == null || answer.isNull()) {
				continue;
			}
			StagedTransaction fetched = TransactionResponse.staged(answer, Instant.now());
			Document complete = MongoStagingRepository.toDocument(fetched);
			staging.updateOne(Filters.and(Filters.eq("_id", signatures.get(i)),
					Filters.ne("status", StagingStatus.DROPPED.value())),
					Updates.combine(Updates.set("slot", complete.get("slot")), Updates.set("err", complete.get("err")),
							Updates.set("logs", complete.get("logs")),
							Updates.set("innerInstructions", complete.get("innerInstructions")),
							Updates.set("blockTime", complete.get("blockTime")),
							Updates.set("status", StagingStatus.RECEIVED.value()), Updates.unset("needsRefetch"),
							Updates.set("refetchedAt", new java.util.Date())));
			completed++;
		}
		contribution.incrementWriteCount(completed);
		log.info("Refetched {} transactions (emit_cpi! events only getTransaction carries, or landed again)",
				completed);
		return RepeatStatus.FINISHED;
	}
}
