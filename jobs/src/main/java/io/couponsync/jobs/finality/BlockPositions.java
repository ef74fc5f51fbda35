package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagingStatus;
import tools.jackson.databind.JsonNode;

/**
 * Records each transaction's position in its block where the program has several transactions in one slot, so
 * the apply job orders them as the chain did: one getBlock (signatures only) per such slot, batched. A slot with
 * one staged transaction needs no call — there is nothing to order. A transaction already applied without its
 * position goes back to received: applied again, its changes outrank the ones written in signature order.
 */
class BlockPositions {

	private static final Logger log = LoggerFactory.getLogger(BlockPositions.class);

	private final MongoCollection<Document> staging;

	private final SolanaRpcClient rpc;

	private long blocksRead;

	private long requeued;

	BlockPositions(MongoCollection<Document> staging, SolanaRpcClient rpc) {
		this.staging = staging;
		this.rpc = rpc;
	}

	/** Records positions in the given slots (those holding transactions the cluster confirmed). */
	void record(Collection<Long> slots) {
		if (slots.isEmpty()) {
			return;
		}
		Map<Long, List<Document>> bySlot = new TreeMap<>();
		staging.find(Filters.and(Filters.in("slot", slots), Filters.ne("status", StagingStatus.DROPPED.value())))
			.projection(Projections.include("slot", "status", "positionInBlock"))
			.forEach(document -> bySlot.computeIfAbsent(document.get("slot", Number.class).longValue(),
					slot -> new ArrayList<>()).add(document));
		bySlot.values().removeIf(transactions -> transactions.size() < 2
				|| transactions.stream().allMatch(transaction -> transaction.get("positionInBlock") != null));
		if (bySlot.isEmpty()) {
			return;
		}
		List<Long> unordered = new ArrayList<>(bySlot.keySet());
		List<JsonNode> blocks = rpc.getBlockSignatures(unordered, "confirmed");
		List<WriteModel<Document>> writes = new ArrayList<>();
		List<String> toApplyAgain = new ArrayList<>();
		for (int i = 0; i < unordered.size(); i++) {
			JsonNode signatures = blocks.get(i);
			if (signatures == null || signatures.isNull()) {
				log.warn("Block of slot {} is not available; its transactions keep signature order for now",
						unordered.get(i));
				continue;
			}
			Map<String, Integer> positions = new HashMap<>();
			for (int position = 0; position < signatures.size(); position++) {
				positions.put(signatures.get(position).asString(), position);
			}
			for (Document transaction : bySlot.get(unordered.get(i))) {
				Integer position = positions.get(transaction.getString("_id"));
				if (position == null || transaction.get("positionInBlock") != null) {
					continue;
				}
				writes.add(new UpdateOneModel<>(Filters.eq("_id", transaction.getString("_id")),
						Updates.set("positionInBlock", position)));
				if (StagingStatus.APPLIED.value().equals(transaction.getString("status"))) {
					toApplyAgain.add(transaction.getString("_id"));
				}
			}
		}
		blocksRead += unordered.size();
		if (writes.isEmpty()) {
			return;
		}
		staging.bulkWrite(writes, new BulkWriteOptions().ordered(false));
		if (!toApplyAgain.isEmpty()) {
			requeued += staging.updateMany(Filters.and(Filters.in("_id", toApplyAgain),
					Filters.eq("status", StagingStatus.APPLIED.value())),
					Updates.set("status", StagingStatus.RECEIVED.value())).getModifiedCount();
		}
	}

	long blocksRead() {
		return blocksRead;
	}

	/** Applied transactions sent back to be applied in block order. */
	long requeued() {
		return requeued;
	}
}
