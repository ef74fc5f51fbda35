package io.couponsync.chain.staging;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The staging collection: transactions keyed by signature, inserted at most once. */
public interface StagingRepository {

	/** What an insert-if-absent batch did. */
	record InsertResult(int inserted, int duplicates) {
	}

	/**
	 * Inserts each transaction whose signature is not staged yet, in one unordered bulk write; an existing
	 * document is left exactly as it is.
	 */
	InsertResult insertIfAbsent(Collection<StagedTransaction> transactions);

	Optional<StagedTransaction> find(String signature);

	/** The signatures among these that are staged already. */
	List<String> existing(Collection<String> signatures);

	long count();
}
