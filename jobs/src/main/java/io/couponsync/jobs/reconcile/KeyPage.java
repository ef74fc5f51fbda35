package io.couponsync.jobs.reconcile;

import java.util.List;

/**
 * Up to 100 listed addresses of one account type, read with one getMultipleAccounts. The partition's last page also
 * carries its {@link Sweep}: once its accounts are written, the documents of the partition's key range that the
 * listing does not name have no account.
 */
record KeyPage(String type, String collection, long listingSlot, List<String> addresses, Sweep sweep) {

	/**
	 * A partition's key range — documents with an id after {@code afterKey} and up to {@code throughKey} (null: no
	 * end) — and the listing blocks that name its accounts.
	 */
	record Sweep(String afterKey, String throughKey, int fromBlock, int toBlock) {
	}
}
