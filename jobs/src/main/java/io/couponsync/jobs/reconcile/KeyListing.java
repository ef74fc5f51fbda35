package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;

import io.couponsync.chain.rpc.SolanaRpcClient.ProgramAccountKeys;

/**
 * A full run's listing of each account type's addresses, sorted and kept in {@code reconcile_keys} in blocks of
 * {@value #BLOCK} (a million accounts are a thousand small documents, not a million), with the slot it was listed at
 * in {@code reconcile_listings}. Keyed by the job instance, so a restarted run reads the same listing its partitions
 * were cut from instead of listing again; removed once the run completes.
 */
final class KeyListing {

	static final String BLOCKS = "reconcile_keys";

	static final String LISTINGS = "reconcile_listings";

	/** Keys per block: a multiple of 100, so pages of 100 never straddle two blocks. */
	static final int BLOCK = 1000;

	/** One type's listing: its slot, how many accounts, and the last key of each block. */
	record Listing(String type, long slot, int count, List<String> blockLastKeys) {

		int blocks() {
			return blockLastKeys.size();
		}
	}

	private final MongoCollection<Document> blocks;

	private final MongoCollection<Document> listings;

	KeyListing(MongoDatabase database) {
		this.blocks = database.getCollection(BLOCKS);
		this.listings = database.getCollection(LISTINGS);
	}

	void createIndexes() {
		blocks.createIndex(Indexes.ascending("run"), new IndexOptions().name("run"));
		listings.createIndex(Indexes.ascending("run"), new IndexOptions().name("run"));
	}

	/** The run's listing of the type, or null if it has not been listed yet. */
	Listing find(long run, String type) {
		Document found = listings.find(Filters.eq("_id", run + ":" + type)).first();
		return found == null ? null : new Listing(type, found.get("slot", Number.class).longValue(),
				found.getInteger("count"), found.getList("blockLastKeys", String.class));
	}

	/** Saves a listing: the blocks first, the listing last, so a crash in between lists the type again. */
	Listing save(long run, String type, ProgramAccountKeys keys) {
		List<String> sorted = new ArrayList<>(keys.addresses());
		sorted.sort(null);
		blocks.deleteMany(Filters.and(Filters.eq("run", run), Filters.eq("type", type)));
		List<Document> documents = new ArrayList<>();
		List<String> lastKeys = new ArrayList<>();
		for (int from = 0, block = 0; from < sorted.size(); from += BLOCK, block++) {
			List<String> keysOfBlock = sorted.subList(from, Math.min(sorted.size(), from + BLOCK));
			documents.add(new Document("_id", blockId(run, type, block)).append("run", run).append("type", type)
				.append("keys", keysOfBlock));
			lastKeys.add(keysOfBlock.get(keysOfBlock.size() - 1));
			if (documents.size() == 100) {
				blocks.insertMany(documents, new InsertManyOptions().ordered(false));
				documents.clear();
			}
		}
		if (!documents.isEmpty()) {
			blocks.insertMany(documents, new InsertManyOptions().ordered(false));
		}
		listings.replaceOne(Filters.eq("_id", run + ":" + type), new Document("_id", run + ":" + type).append("run", run)
			.append("type", type).append("slot", keys.slot()).append("count", sorted.size())
			.append("blockLastKeys", lastKeys), new ReplaceOptions().upsert(true));
		return new Listing(type, keys.slot(), sorted.size(), lastKeys);
	}

	/** The sorted keys of one block. */
	List<String> block(long run, String type, int block) {
		Document found = blocks.find(Filters.eq("_id", blockId(run, type, block))).first();
		if (found == null) {
			throw new IllegalStateException("the listing of " + type + " has no block " + block + " (run " + run + ")");
		}
		return found.getList("keys", String.class);
	}

	/** Forgets the run's listings. */
	void delete(long run) {
		blocks.deleteMany(Filters.eq("run", run));
		listings.deleteMany(Filters.eq("run", run));
	}

	private static String blockId(long run, String type, int block) {
		return run + ":" + type + ":" + block;
	}
}
