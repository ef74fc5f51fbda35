package io.couponsync.chain.rpc;

import tools.jackson.databind.JsonNode;

import io.couponsync.chain.Base58;

/**
 * One getSignaturesForAddress entry: a transaction of the address, the slot it landed at, whether it failed on
 * chain, and how final the listing says it is.
 */
public record ListedSignature(String signature, long slot, boolean failed, ConfirmationStatus confirmationStatus) {

	/** The entry of a listing asked at {@code commitment}, which is what an entry naming no status is at least. */
	static ListedSignature of(JsonNode entry, ConfirmationStatus listedAt) {
		String signature = entry.path("signature").asString(null);
		if (!Base58.isSignature(signature)) {
			// why: staged, it would be sent in every finality batch of signatures, which the node refuses whole
			throw new RpcException("getSignaturesForAddress listed an entry whose signature is not 64 bytes in base58: "
					+ entry.path("signature"), 0, null);
		}
		JsonNode err = entry.path("err");
		return new ListedSignature(signature, entry.path("slot").asLong(),
				!err.isNull() && !err.isMissingNode(), ConfirmationStatus.of(entry.path("confirmationStatus").asString(null), listedAt));
	}
}
