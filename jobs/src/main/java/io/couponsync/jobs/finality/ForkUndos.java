package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

/**
 * {@code fork_undos}: transactions the finality step found dropped by a fork (or landed again in another slot),
 * recorded before anything about them changes, and the plan of what undoing them touches, saved before the undo
 * changes anything. The fork-undo step works from these records and removes them last, so a crash at any point is
 * finished by the next run.
 */
public final class ForkUndos {

	static final String COLLECTION = "fork_undos";

	/** The flag a record gets once its decrements are in the counters. */
	static final String COUNTERS_UNDONE = "countersUndone";

	/**
	 * One transaction to undo: its new slot where it landed again (null: dropped for good), its plan if saved, and
	 * whether its counters were taken back already.
	 */
	record Pending(String signature, Long newSlot, Document plan, boolean countersUndone) {
	}

	private final MongoCollection<Document> undos;

	ForkUndos(MongoDatabase database) {
		this.undos = database.getCollection(COLLECTION);
	}

	/** Records transactions to undo (signature → new slot, or null); recording one twice changes nothing. */
	void record(Map<String, Long> transactions) {
		if (transactions.isEmpty()) {
			return;
		}
		List<WriteModel<Document>> writes = new ArrayList<>();
		Date now = new Date();
		transactions.forEach((signature, newSlot) -> writes.add(new UpdateOneModel<>(Filters.eq("_id", signature),
				Updates.combine(Updates.setOnInsert("newSlot", newSlot), Updates.setOnInsert("recordedAt", now)),
				new UpdateOptions().upsert(true))));
		undos.bulkWrite(writes, new BulkWriteOptions().ordered(false));
	}

	/**
	 * Those of these transactions an undo is still pending for (one {@code _id} lookup): the apply job holds them
	 * back, since the undo, when it runs again, takes out what they wrote and would leave their counts in twice.
	 */
	public Set<String> pendingAmong(Collection<String> signatures) {
		Set<String> pending = new HashSet<>();
		if (!signatures.isEmpty()) {
			undos.find(Filters.in("_id", signatures)).projection(Projections.include("_id"))
				.forEach(document -> pending.add(document.getString("_id")));
		}
		return pending;
	}

	/** Whether any undo is recorded and not finished. */
	public boolean anyPending() {
		return undos.find().projection(Projections.include("_id")).first() != null;
	}

	List<Pending> pending(int limit) {
		List<Pending> pending = new ArrayList<>();
		undos.find().sort(new Document("recordedAt", 1)).limit(limit).forEach(document -> pending.add(new Pending(
				document.getString("_id"), document.get("newSlot") == null ? null
						: ((Number) document.get("newSlot")).longValue(),
				document.get("plan", Document.class), Boolean.TRUE.equals(document.getBoolean(COUNTERS_UNDONE)))));
		return pending;
	}

	void savePlan(String signature, Document plan) {
		undos.updateOne(Filters.and(Filters.eq("_id", signature), Filters.exists("plan", false)),
				Updates.set("plan", plan));
	}

	void done(List<String> signatures) {
		undos.deleteMany(Filters.in("_id", signatures));
	}

	long count() {
		return undos.countDocuments();
	}
}
