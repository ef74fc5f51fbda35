package io.couponsync.chain.rpc;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A block's transaction signatures in block order (getBlock with transactionDetails signatures), or the node's word
 * that it will never give that block.
 *
 * @param signatures in block order; null when the block is {@linkplain #unavailable unavailable}
 * @param unavailableBecause why the node will never give it (cleaned up, missing in long-term storage, skipped);
 *        null when it gave it
 */
public record BlockSignatures(long slot, List<String> signatures, String unavailableBecause) {

	public BlockSignatures(long slot, List<String> signatures) {
		this(slot, signatures, null);
	}

	/** A block the node answered, for good, it does not have. */
	static BlockSignatures unavailable(long slot, String reason) {
		return new BlockSignatures(slot, null, reason);
	}

	public boolean available() {
		return signatures != null;
	}

	/** The block of {@code slot}, or null when the node answered none yet. */
	static BlockSignatures of(long slot, JsonNode block) {
		if (block == null || block.isNull()) {
			return null;
		}
		JsonNode listed = block.path("signatures");
		List<String> signatures = new ArrayList<>(listed.size());
		listed.forEach(signature -> signatures.add(signature.asString()));
		return new BlockSignatures(slot, List.copyOf(signatures));
	}
}
