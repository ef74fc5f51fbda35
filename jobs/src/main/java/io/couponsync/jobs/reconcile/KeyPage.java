package io.couponsync.jobs.reconcile;

import java.util.List;

/**
 * Up to 100 listed addresses of one account type, read with one getMultipleAccounts, and the key range of the
 * collection they stand for: documents with an id after {@code afterKey} and up to {@code throughKey} (null: no end)
 * that the listing does not name have no account.
 */
record KeyPage(String type, String collection, long listingSlot, String afterKey, String throughKey,
		List<String> addresses) {
}
