package io.couponsync.jobs.readmodel;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * One decoded event of an applied transaction: its identity (signature and index in the transaction), its place
 * in chain order, its fields as BSON with camelCase names (pubkeys as base58 strings), and the references its
 * projection needs from earlier events (e.g. the coupon of the auction an {@code AuctionFinalized} names), resolved
 * once before the event is logged and kept with it; its block's time (seconds since the epoch), null when the
 * transaction was applied without it; and the instruction that emitted it as the program logged it
 * ({@code AutoAwardBadge}), null when the logs name none.
 */
public record ChainEvent(String signature, int index, String name, ChangeVersion version, BsonDocument data,
		BsonDocument refs, Long blockTime, String instruction) {

	/** The prefix by which a key path names a reference rather than a field of the event. */
	static final String REFS = "refs.";

	public ChainEvent(String signature, int index, String name, ChangeVersion version, BsonDocument data,
			Long blockTime, String instruction) {
		this(signature, index, name, version, data, new BsonDocument(), blockTime, instruction);
	}

	public String id() {
		return signature + ":" + index;
	}

	public String text(String field) {
		return data.getString(field).getValue();
	}

	/** A field of the event, or a resolved reference when the path starts with {@code refs.}. */
	public BsonValue value(String path) {
		return path.startsWith(REFS) ? refs.get(path.substring(REFS.length())) : data.get(path);
	}

	/** A resolved reference, or null where an optional one was not found. */
	public BsonValue ref(String name) {
		return refs.get(name);
	}

	/** The account the event is about: its first field (every event of the program names its account first). */
	public String subject() {
		BsonValue first = data.isEmpty() ? null : data.values().iterator().next();
		return first != null && first.isString() ? first.asString().getValue() : null;
	}

	public ChainEvent withRefs(BsonDocument resolved) {
		return new ChainEvent(signature, index, name, version, data, resolved, blockTime, instruction);
	}
}
