package io.couponsync.jobs.applyevents;

import java.util.List;

import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.readmodel.ChainEvent;

/**
 * A staged transaction with its events decoded.
 *
 * @param truncated its logs were truncated, so events may be missing: its accounts need a re-sync from chain
 * @param needsRefetch it carries, or may carry, emit_cpi! events whose data only getTransaction gives (inner
 *        instructions): its program invoked itself, or its logs were cut before they could say so
 */
record DecodedTransaction(StagedTransaction staged, List<ChainEvent> events, boolean truncated, boolean needsRefetch) {

	boolean failed() {
		return staged.failed();
	}
}
