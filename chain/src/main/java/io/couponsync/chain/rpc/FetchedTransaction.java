package io.couponsync.chain.rpc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;

import io.couponsync.chain.Base58;
import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingSource;
import io.couponsync.chain.staging.StagingStatus;
import tools.jackson.databind.JsonNode;

/**
 * A getTransaction answer (json encoding): what staging keeps of a transaction, with its inner instructions
 * resolved to their programs.
 *
 * @param error the transaction's error as the chain reports it (a document, or a string), null when it succeeded
 * @param blockTime seconds since the epoch, null when the node does not know it
 */
public record FetchedTransaction(String signature, long slot, Object error, List<String> logs, Long blockTime,
		List<InnerInstruction> innerInstructions) {

	/** The transaction as staging takes it from the crawl, at the commitment the listing reported it at. */
	public StagedTransaction staged(Instant receivedAt, ChainCommitment commitment) {
		return new StagedTransaction(signature, slot, error, logs, receivedAt, StagingSource.BACKFILL,
				StagingStatus.RECEIVED, commitment, blockTime, innerInstructions, null);
	}

	/** The answer's transaction, or null when the node has none. */
	static FetchedTransaction of(JsonNode result) {
		if (result == null || result.isNull()) {
			return null;
		}
		JsonNode transaction = result.path("transaction");
		JsonNode meta = result.path("meta");
		String signature = transaction.path("signatures").path(0).asString(null);
		if (signature == null) {
			throw new RpcException("getTransaction answered a transaction without a signature", 0, null);
		}
		if (!Base58.isSignature(signature)) {
			throw new RpcException("getTransaction answered a transaction whose signature is not 64 bytes in base58: "
					+ signature, 0, null);
		}
		// why: without them the transaction would be staged with no logs and no inner instructions, and applied as
		// one that emitted no event; a node that records no metadata cannot serve a crawl
		if (!meta.isObject() || !meta.path("logMessages").isArray() || !meta.path("innerInstructions").isArray()) {
			throw new RpcException("getTransaction answered " + signature + " without "
					+ (!meta.isObject() ? "meta" : !meta.path("logMessages").isArray() ? "meta.logMessages"
							: "meta.innerInstructions")
					+ ": the node keeps no transaction metadata; point sync.solana.rpc-url at one that does", 0, null);
		}
		List<String> keys = new ArrayList<>();
		transaction.path("message").path("accountKeys").forEach(key -> keys.add(key.isString() ? key.asString()
				: key.path("pubkey").asString()));
		// why: version 0 transactions name further accounts through lookup tables, appended in this order
		meta.path("loadedAddresses").path("writable").forEach(key -> keys.add(key.asString()));
		meta.path("loadedAddresses").path("readonly").forEach(key -> keys.add(key.asString()));
		List<InnerInstruction> inner = new ArrayList<>();
		meta.path("innerInstructions").forEach(group -> group.path("instructions").forEach(instruction -> {
			int index = instruction.path("programIdIndex").asInt(-1);
			String program = index >= 0 && index < keys.size() ? keys.get(index) : "";
			inner.add(new InnerInstruction(program, innerData(signature, instruction.path("data"))));
		}));
		List<String> logs = new ArrayList<>();
		meta.path("logMessages").forEach(line -> logs.add(line.asString()));
		JsonNode err = meta.path("err");
		Object error = err.isMissingNode() || err.isNull() ? null
				: err.isObject() ? Document.parse(err.toString()) : err.asString();
		JsonNode blockTime = result.path("blockTime");
		return new FetchedTransaction(signature, result.path("slot").asLong(), error, logs,
				blockTime.isIntegralNumber() ? blockTime.asLong() : null, inner);
	}

	private static byte[] innerData(String signature, JsonNode data) {
		try {
			return Base58.decode(data.asString(""));
		}
		catch (IllegalArgumentException ex) {
			throw new RpcException("getTransaction answered " + signature + " with inner instruction data that is not "
					+ "base58: " + ex.getMessage(), 0, ex);
		}
	}
}
