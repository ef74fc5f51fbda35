package io.couponsync.jobs.backfill;

import java.util.Date;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

/**
 * {@code backfill_checkpoints}: the newest finalized signature up to which every transaction of the program is
 * staged. Only a finalized signature is ever stored: a confirmed one may be removed by a fork, and a next crawl's
 * {@code until} would then point at nothing. Gaps the listener recorded are closed here once a crawl covered them.
 */
final class BackfillCheckpoint {

	static final String COLLECTION = "backfill_checkpoints";

	/** The stop point of the next crawl. */
	record Position(String signature, long slot) {
	}

	private final MongoCollection<Document> checkpoints;

	private final MongoCollection<Document> gaps;

	private final String programId;

	BackfillCheckpoint(MongoDatabase database, String programId) {
		this.checkpoints = database.getCollection(COLLECTION);
		this.gaps = database.getCollection("listener_gaps");
		this.programId = programId;
	}

	Position position() {
		Document document = checkpoints.find(Filters.eq("_id", programId)).first();
		return document == null ? null
				: new Position(document.getString("signature"), ((Number) document.get("slot")).longValue());
	}

	void advance(String signature, long slot) {
		checkpoints.updateOne(Filters.eq("_id", programId), Updates.combine(Updates.set("signature", signature),
				Updates.set("slot", slot), Updates.set("updatedAt", new Date())), new UpdateOptions().upsert(true));
	}

	/** Slots inside the gaps no crawl has covered yet; a gap still open counts up to {@code tipSlot}. */
	long unfilledGapSlots(long tipSlot) {
		long slots = 0;
		for (Document gap : gaps.find(Filters.and(Filters.eq("programId", programId), Filters.eq("filled", false)))) {
			long from = ((Number) gap.get("fromSlot")).longValue();
			Object to = gap.get("toSlot");
			slots += Math.max(0, (to instanceof Number number ? number.longValue() : tipSlot) - from);
		}
		return slots;
	}

	/** Marks filled every recorded gap that lies within [lowestSlot, highestSlot]; returns how many. */
	long closeGapsWithin(long lowestSlot, long highestSlot) {
		return gaps.updateMany(Filters.and(Filters.eq("programId", programId), Filters.eq("filled", false),
				Filters.ne("toSlot", null), Filters.gte("fromSlot", lowestSlot), Filters.lte("toSlot", highestSlot)),
				Updates.combine(Updates.set("filled", true), Updates.set("filledAt", new Date()))).getModifiedCount();
	}
}
