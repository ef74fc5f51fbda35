package io.couponsync.jobs.applyevents;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.SkipListener;

import io.couponsync.chain.staging.StagedTransaction;

/** Writes each skipped transaction to the dead letters, with the reason, so nothing is skipped silently. */
class DeadLetterSkipListener implements SkipListener<StagedTransaction, DecodedTransaction> {

	private static final Logger log = LoggerFactory.getLogger(DeadLetterSkipListener.class);

	private final DeadLetterStore deadLetters;

	private final long jobExecutionId;

	DeadLetterSkipListener(DeadLetterStore deadLetters, long jobExecutionId) {
		this.deadLetters = deadLetters;
		this.jobExecutionId = jobExecutionId;
	}

	@Override
	public void onSkipInProcess(StagedTransaction item, Throwable failure) {
		List<String> reasons = failure instanceof UndecodableTransactionException undecodable ? undecodable.reasons()
				: List.of(String.valueOf(failure.getMessage()));
		log.warn("Dead letter {} (slot {}): {}", item.signature(), item.slot(), reasons);
		deadLetters.record(List.of(item), Map.of(item.signature(), reasons), jobExecutionId);
	}
}
