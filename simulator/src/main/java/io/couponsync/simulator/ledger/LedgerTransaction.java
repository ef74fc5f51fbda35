package io.couponsync.simulator.ledger;

/** A transaction that landed: where (slot, position in the block), when (block time) and what. */
public record LedgerTransaction(String signature, long slot, int indexInBlock, long blockTime, String recentBlockhash,
		TransactionDraft draft) {

	public boolean failed() {
		return draft.err() != null;
	}
}
