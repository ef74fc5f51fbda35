package io.couponsync.chain.rpc;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** A block's transaction signatures in block order (getBlock with transactionDetails signatures). */
public record BlockSignatures(long slot, List<String> signatures) {

	/** The block of {@code slot}, or null when the node answered none (skipped, not available, cleaned up). */
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
