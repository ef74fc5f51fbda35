package io.couponsync.listener;

import java.time.Instant;
import java.util.Date;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The listener's memory in MongoDB: its checkpoint ({@code listener_checkpoints}: highest slot and last signature
 * staged, last root seen) and the gaps in its coverage ({@code listener_gaps}: from the last slot known complete
 * before a disconnect to the first slot after it) that the backfill job closes.
 */
final class ListenerStateRepository {

	static final String CHECKPOINTS = "listener_checkpoints";

	static final String GAPS = "listener_gaps";

	/** A listener's checkpoint; fields are null before the first write. */
	record Checkpoint(Long highestSlot, String lastSignature, Long lastRoot) {
	}

	private final MongoCollection<Document> checkpoints;

	private final MongoCollection<Document> gaps;

	private final String listenerId;

	private final String programId;

	ListenerStateRepository(MongoDatabase database, String listenerId, String programId) {
		this.checkpoints = database.getCollection(CHECKPOINTS);
		this.gaps = database.getCollection(GAPS);
		this.listenerId = listenerId;
		this.programId = programId;
	}

	Checkpoint checkpoint() {
		Document document = checkpoints.find(Filters.eq("_id", listenerId)).first();
		if (document == null) {
			return new Checkpoint(null, null, null);
		}
		return new Checkpoint(longOrNull(document, "highestSlot"), document.getString("lastSignature"),
				longOrNull(document, "lastRoot"));
	}

	/** Records what a batch staged; the highest slot never goes down. */
	void advance(long highestSlot, String lastSignature, Long lastRoot) {
		Document current = checkpoints.find(Filters.eq("_id", listenerId)).first();
		Long stored = current == null ? null : longOrNull(current, "highestSlot");
		Bson update = Updates.combine(Updates.set("programId", programId), Updates.set("updatedAt", new Date()),
				Updates.max("highestSlot", highestSlot));
		if (stored == null || highestSlot >= stored) {
			update = Updates.combine(update, Updates.set("lastSignature", lastSignature));
		}
		if (lastRoot != null) {
			update = Updates.combine(update, Updates.max("lastRoot", lastRoot));
		}
		checkpoints.updateOne(Filters.eq("_id", listenerId), update, new UpdateOptions().upsert(true));
	}

	void rememberRoot(long root) {
		checkpoints.updateOne(Filters.eq("_id", listenerId),
				Updates.combine(Updates.max("lastRoot", root), Updates.set("programId", programId)),
				new UpdateOptions().upsert(true));
	}

	/** Opens a gap starting after {@code fromSlot}, unless this listener already has one open. */
	void openGap(long fromSlot, String reason) {
		Bson open = Filters.and(Filters.eq("listenerId", listenerId), Filters.eq("toSlot", null));
		gaps.updateOne(open, Updates.combine(Updates.setOnInsert("listenerId", listenerId),
				Updates.setOnInsert("programId", programId), Updates.setOnInsert("fromSlot", fromSlot),
				Updates.setOnInsert("startedAt", new Date()), Updates.setOnInsert("reason", reason),
				Updates.setOnInsert("filled", false)), new UpdateOptions().upsert(true));
	}

	/** Closes the open gap at the first slot seen after reconnecting; returns its document, or null. */
	Document closeGap(long toSlot) {
		return gaps.findOneAndUpdate(Filters.and(Filters.eq("listenerId", listenerId), Filters.eq("toSlot", null)),
				Updates.combine(Updates.set("toSlot", toSlot), Updates.set("endedAt", Date.from(Instant.now()))),
				new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
	}

	private static Long longOrNull(Document document, String field) {
		Object value = document.get(field);
		return value instanceof Number number ? number.longValue() : null;
	}
}
