package io.couponsync.simulator.ledger;

/** Told of what the ledger does, in order, on the thread that did it; must not call back into the ledger. */
public interface LedgerListener {

	/** The transaction reached this commitment (processed when it lands, then confirmed, then finalized). */
	void onTransaction(LedgerTransaction transaction, Commitment commitment);

	/** A new slot started; {@code root} is the newest finalized slot. */
	void onSlot(long slot, long parent, long root);
}
