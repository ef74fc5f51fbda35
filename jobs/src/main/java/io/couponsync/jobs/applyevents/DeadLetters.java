package io.couponsync.jobs.applyevents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.skip.SkipLimitExceededException;
import org.springframework.batch.infrastructure.item.Chunk;

import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;

/**
 * The writer's dead letters: transactions whose events cannot be projected, and ones that waited too many runs
 * for an earlier event that never came (dead-lettered itself, or before the crawl's start). Each is recorded with
 * its reason and counted as a write skip of the step, within the same skip limit as undecodable ones.
 */
final class DeadLetters {

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	private final DeadLetterStore store;

	private final StagingRepository staging;

	private final int maxWaits;

	private final long skipLimit;

	DeadLetters(DeadLetterStore store, StagingRepository staging, int maxWaits, long skipLimit) {
		this.store = store;
		this.staging = staging;
		this.maxWaits = maxWaits;
		this.skipLimit = skipLimit;
	}

	/** Counts a run of waiting; returns the transactions that have waited long enough to give up on (→ reason). */
	Map<String, String> waitedTooLong(Map<String, String> waiting, long jobExecutionId) {
		Map<String, String> reasons = new LinkedHashMap<>();
		staging.countWaits(waiting.keySet(), maxWaits, jobExecutionId).forEach((signature, runs) -> reasons.put(signature,
				"waited " + runs + " runs for an earlier event that is not in the log: " + waiting.get(signature)));
		return reasons;
	}

	void record(Chunk<? extends DecodedTransaction> chunk, Map<String, List<String>> dead, long jobExecutionId) {
		if (dead.isEmpty()) {
			return;
		}
		List<StagedTransaction> transactions = new ArrayList<>();
		for (DecodedTransaction transaction : chunk) {
			if (dead.containsKey(transaction.staged().signature())) {
				transactions.add(transaction.staged());
				log.warn("Dead letter {} (slot {}): {}", transaction.staged().signature(), transaction.staged().slot(),
						dead.get(transaction.staged().signature()));
			}
		}
		countAsSkips(store.record(transactions, dead, jobExecutionId));
	}

	private void countAsSkips(int skipped) {
		StepContext context = StepSynchronizationManager.getContext();
		if (context == null) {
			return;
		}
		StepExecution step = context.getStepExecution();
		step.setWriteSkipCount(step.getWriteSkipCount() + skipped);
		if (step.getSkipCount() > skipLimit) {
			throw new SkipLimitExceededException(skipLimit,
					new IllegalStateException(skipped + " transactions of this chunk went to the dead letters"));
		}
	}
}
