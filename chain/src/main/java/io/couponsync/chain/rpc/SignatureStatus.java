package io.couponsync.chain.rpc;

import tools.jackson.databind.JsonNode;

/** One getSignatureStatuses entry: the slot the cluster has the transaction at, and how final it is there. */
public record SignatureStatus(long slot, ConfirmationStatus confirmationStatus) {

	/** The entry, or null for a signature the cluster does not know. */
	static SignatureStatus of(JsonNode status) {
		if (status == null || status.isNull()) {
			return null;
		}
		return new SignatureStatus(status.path("slot").asLong(),
				ConfirmationStatus.of(status.path("confirmationStatus").asString(null), ConfirmationStatus.PROCESSED));
	}
}
