package io.couponsync.chain.rpc;

import tools.jackson.databind.JsonNode;

/**
 * One getSignaturesForAddress entry: a transaction of the address, the slot it landed at, whether it failed on
 * chain, and how final the listing says it is.
 */
public record ListedSignature(String signature, long slot, boolean failed, ConfirmationStatus confirmationStatus) {

	/** The entry of a listing asked at {@code commitment}, which is what an entry naming no status is at least. */
	static ListedSignature of(JsonNode entry, ConfirmationStatus listedAt) {
		JsonNode err = entry.path("err");
		return new ListedSignature(entry.path("signature").asString(), entry.path("slot").asLong(),
				!err.isNull() && !err.isMissingNode(), ConfirmationStatus.of(entry.path("confirmationStatus").asString(null), listedAt));
	}
}
