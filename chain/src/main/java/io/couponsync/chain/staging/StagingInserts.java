package io.couponsync.chain.staging;

import java.util.Collection;

/** What the listener needs of staging, and nothing more: insert-if-absent. */
public interface StagingInserts {

	/**
	 * What an insert-if-absent batch did: new signatures, ones staged already, dropped ones staged again; and how
	 * many of the batch were too large to store whole, staged without their logs to be dead-lettered with the reason.
	 */
	record InsertResult(int inserted, int duplicates, int revived, int unstorable) {

		public InsertResult(int inserted, int duplicates) {
			this(inserted, duplicates, 0, 0);
		}
	}

	/**
	 * Inserts each transaction whose signature is not staged yet, in one unordered bulk write; an existing document
	 * is left exactly as it is — unless a fork had dropped it: the chain reporting it again stages it again, with
	 * what this report says (slot, logs, commitment), to be applied. A transaction whose document would be over
	 * MongoDB's 16 MiB limit is staged without its logs and inner instructions, saying why, and the apply job
	 * dead-letters it; the rest of the batch is staged as usual.
	 */
	InsertResult insertIfAbsent(Collection<StagedTransaction> transactions);
}
