package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;

import io.couponsync.platform.mongo.UpdateEachById;

/**
 * Counters changed by increments, each applied exactly once without multi-document transactions and without
 * recounting history. An increment batch is first written as a journal entry; each document it changes records the
 * entry's id ({@value #MARK}) in the same update as the {@code $inc}, so applying the entry again skips documents it
 * already changed; then the entry's follow-ups run (the events it counted get their markers in
 * {@value ChainEventLog#COUNTED_COLLECTION}, or records are flagged) and the entry is deleted. A crash at any point leaves an entry that {@link #completePending} finishes —
 * every writer calls it before writing increments of its own, so no later increment overwrites a mark first.
 * A counter can also be set from an account read (its {@code _versions} entry then holds the read's version): a
 * change at or before that version is already in the value and adds nothing — decrements of a fork alike. Each
 * counter keeps the version of the newest change it counted ({@value #COUNTED}), so a read older than that is not
 * used to set it.
 */
public final class CounterJournal {

	static final String COLLECTION = "counter_journal";

	/** The journal entry whose increments a document holds last. */
	static final String MARK = "_journal";

	private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

	/** Per counter field, the version of the newest change counted into it. */
	public static final String COUNTED = "_counted";

	/** Increments per document, counter field and version of the change (null: a zero that only shows the field). */
	public static final class Increments {

		private final Map<ReadModelChanges.DocumentKey, Map<String, Map<Optional<ChangeVersion>, Long>>> byDocument =
				new LinkedHashMap<>();

		public void add(String collection, String id, String field, long amount, ChangeVersion version) {
			byDocument.computeIfAbsent(new ReadModelChanges.DocumentKey(collection, id), k -> new LinkedHashMap<>())
				.computeIfAbsent(field, f -> new LinkedHashMap<>())
				.merge(Optional.ofNullable(version), amount, Long::sum);
		}

		public boolean isEmpty() {
			return byDocument.isEmpty();
		}

		/** Each document's field, version (null for none) and amount. */
		public void forEach(Visitor visitor) {
			byDocument.forEach((key, fields) -> fields.forEach((field, versions) -> versions
				.forEach((version, amount) -> visitor.visit(key, field, version.orElse(null), amount))));
		}

		/** Visits increments. */
		@FunctionalInterface
		public interface Visitor {

			void visit(ReadModelChanges.DocumentKey document, String field, ChangeVersion version, long amount);
		}
	}

	/** What completing an entry also does: mark events counted, and set a flag on records of another collection. */
	public record FollowUps(List<String> countedEvents, String flagCollection, List<String> flagIds,
			String flagField) {

		public static FollowUps countEvents(List<String> eventIds) {
			return new FollowUps(eventIds, null, List.of(), null);
		}

		public static FollowUps flag(String collection, List<String> ids, String field) {
			return new FollowUps(List.of(), collection, ids, field);
		}
	}

	/**
	 * A field that is a function of a counter (a user's tier of its reputation), set from the counter's new value in
	 * the update that changes the counter, so the two never disagree — the read model has one writer at a time, so
	 * the value read before the update is the one it increments. Its {@code _versions} entry follows the newest
	 * change counted, so an account read older than that does not set it back either.
	 */
	public record DerivedField(String collection, String counter, String field, LongFunction<BsonValue> of) {
	}

	private final MongoDatabase database;

	private final MongoCollection<Document> entries;

	private final List<DerivedField> derivedFields;

	public CounterJournal(MongoDatabase database) {
		this(database, List.of());
	}

	public CounterJournal(MongoDatabase database, List<DerivedField> derivedFields) {
		this.database = database;
		this.entries = database.getCollection(COLLECTION);
		this.derivedFields = List.copyOf(derivedFields);
	}


	/** As {@link #apply(Increments, FollowUps)}, with a given entry id (deterministic for work that may be redone). */
	public void apply(String entryId, Increments increments, FollowUps followUps) {
		Document entry = open(entryId, increments, followUps);
		if (entry != null) {
			complete(entry, () -> {
			});
		}
	}

	/** Writes the increments as an entry (null when there is nothing to do); {@link #complete} applies it. */
	public Document open(String entryId, Increments increments, FollowUps followUps) {
		if (increments.isEmpty() && followUps.countedEvents().isEmpty() && followUps.flagIds().isEmpty()) {
			return null;
		}
		List<Document> changes = new ArrayList<>();
		increments.forEach((key, field, version, amount) -> changes.add(new Document("c", key.collection())
			.append("id", key.id()).append("f", field).append("v", amount).append("at", keyOf(version))));
		Document entry = new Document("_id", entryId).append("increments", changes)
			.append("countedEvents", followUps.countedEvents()).append("flagCollection", followUps.flagCollection())
			.append("flagIds", followUps.flagIds()).append("flagField", followUps.flagField())
			.append("createdAt", new Date());
		// why: an insert costs the embedded server a fraction of a replacing upsert of the same large document; an
		// entry of the same id is work redone, and this one replaces it
		try {
			entries.insertOne(entry);
		}
		catch (MongoWriteException ex) {
			if (ex.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
				throw ex;
			}
			entries.replaceOne(Filters.eq("_id", entryId), entry);
		}
		return entry;
	}

	/** Whether an entry is waiting to be completed (one a crash left, or one being applied now). */
	public boolean hasPending() {
		return entries.find().projection(Projections.include("_id")).first() != null;
	}

	/** Finishes every entry a crash left; returns how many. */
	public int completePending() {
		List<Document> pending = entries.find().into(new ArrayList<>());
		pending.forEach(entry -> complete(entry, () -> {
		}));
		return pending.size();
	}

	/**
	 * Applies an entry's increments (collection by collection; {@code afterEachCollection} runs after each, a test
	 * seam), then its follow-ups, then deletes it.
	 */
	public void complete(Document entry, Runnable afterEachCollection) {
		String entryId = entry.getString("_id");
		Map<String, Map<String, List<Document>>> byCollection = new LinkedHashMap<>();
		for (Document change : entry.getList("increments", Document.class)) {
			byCollection.computeIfAbsent(change.getString("c"), c -> new LinkedHashMap<>())
				.computeIfAbsent(change.getString("id"), id -> new ArrayList<>()).add(change);
		}
		byCollection.forEach((collection, documents) -> {
			increment(collection, documents, entryId);
			afterEachCollection.run();
		});
		List<String> counted = entry.getList("countedEvents", String.class);
		if (counted != null && !counted.isEmpty()) {
			new ChainEventLog(database).markCounted(counted);
		}
		List<String> flagIds = entry.getList("flagIds", String.class);
		if (flagIds != null && !flagIds.isEmpty()) {
			UpdateEachById.update(database.getCollection(entry.getString("flagCollection")), flagIds,
					Updates.set(entry.getString("flagField"), true));
		}
		entries.deleteOne(Filters.eq("_id", entryId));
	}

	private void increment(String collection, Map<String, List<Document>> documents, String entryId) {
		MongoCollection<Document> target = database.getCollection(collection);
		Map<String, Document> stored = new HashMap<>();
		List<String> fields = new ArrayList<>(List.of(MARK, COUNTED, ReadModelStore.VERSIONS));
		documents.values().forEach(changes -> changes.forEach(change -> fields.add(change.getString("f"))));
		List<DerivedField> derived = derivedFields.stream().filter(field -> field.collection().equals(collection))
			.toList();
		derived.forEach(field -> fields.add(field.field()));
		target.find(Filters.in("_id", documents.keySet())).projection(Projections.include(fields.stream().distinct()
			.toList())).forEach(document -> stored.put(document.getString("_id"), document));
		List<WriteModel<BsonDocument>> writes = new ArrayList<>();
		Map<String, BsonDocument> creations = new LinkedHashMap<>();
		documents.forEach((id, changes) -> {
			Document existing = stored.get(id);
			if (existing != null && entryId.equals(existing.getString(MARK))) {
				return;
			}
			Document bases = existing == null ? null : existing.get(ReadModelStore.VERSIONS, Document.class);
			Document counted = existing == null ? null : existing.get(COUNTED, Document.class);
			Map<String, Long> sums = new LinkedHashMap<>();
			Map<String, String> newest = new HashMap<>();
			for (Document change : changes) {
				String field = change.getString("f");
				String at = change.getString("at");
				String base = bases == null ? null : bases.getString(field);
				// why: a value read from an account at a slot holds every change up to it; only later ones add
				if (at != null && !at.isEmpty() && base != null && at.compareTo(base) <= 0) {
					continue;
				}
				sums.merge(field, change.getLong("v"), Long::sum);
				if (at != null && !at.isEmpty() && (newest.get(field) == null || at.compareTo(newest.get(field)) > 0)) {
					newest.put(field, at);
				}
			}
			List<DerivedField> stale = derived.stream().filter(field -> sums.containsKey(field.counter())
					&& (sums.get(field.counter()) != 0 || existing == null || !existing.containsKey(field.field())))
				.toList();
			// why: a zero only makes a counter show 0; where it shows already, nothing to write
			if (existing != null && stale.isEmpty() && sums.entrySet().stream()
				.allMatch(sum -> sum.getValue() == 0 && existing.containsKey(sum.getKey()))) {
				return;
			}
			// why: built as BSON directly (the update builders' codec lookups were a tenth of the apply job's time),
			// and the version maps set whole from what was read, not one dotted path per field: the embedded server
			// splits every dotted path with regular expressions. The read-model lease makes this the only writer.
			BsonDocument increments = new BsonDocument();
			sums.forEach((field, sum) -> increments.append(field, new BsonInt64(sum)));
			BsonDocument set = new BsonDocument();
			BsonDocument versions = null;
			for (DerivedField field : stale) {
				Number before = existing == null ? null : existing.get(field.counter(), Number.class);
				long after = (before == null ? 0 : before.longValue()) + sums.get(field.counter());
				set.append(field.field(), field.of().apply(after));
				String at = newest.get(field.counter());
				String base = bases == null ? null : bases.getString(field.field());
				if (at != null && (base == null || at.compareTo(base) > 0)) {
					versions = versions == null ? strings(bases) : versions;
					versions.put(field.field(), new BsonString(at));
				}
			}
			if (versions != null) {
				set.append(ReadModelStore.VERSIONS, versions);
			}
			BsonDocument countedThrough = null;
			for (Map.Entry<String, String> field : newest.entrySet()) {
				String before = counted == null ? null : counted.getString(field.getKey());
				if (before == null || field.getValue().compareTo(before) > 0) {
					countedThrough = countedThrough == null ? strings(counted) : countedThrough;
					countedThrough.put(field.getKey(), new BsonString(field.getValue()));
				}
			}
			if (countedThrough != null) {
				set.append(COUNTED, countedThrough);
			}
			set.append(MARK, new BsonString(entryId));
			BsonDocument update = new BsonDocument("$set", set);
			if (!increments.isEmpty()) {
				update.append("$inc", increments);
			}
			// why: the mark and the increments in one update: a document either has both or neither
			if (existing == null && topLevelOnly(update)) {
				creations.put(id, update);
			}
			else {
				writes.add(new UpdateOneModel<>(new BsonDocument("_id", new BsonString(id)), update, UPSERT));
			}
		});
		MongoCollection<BsonDocument> bson = target.withDocumentClass(BsonDocument.class);
		if (!writes.isEmpty()) {
			bson.bulkWrite(writes, new BulkWriteOptions().ordered(false));
		}
		create(bson, creations);
	}

	private static boolean topLevelOnly(BsonDocument update) {
		return update.values().stream().allMatch(fields -> fields.asDocument().keySet().stream()
			.noneMatch(field -> field.contains(".")));
	}

	/**
	 * Inserts the documents the counters create, each holding what its update would set and add; one created
	 * meanwhile gets the update itself. An insert costs the embedded server a fraction of an upsert.
	 */
	static void create(MongoCollection<BsonDocument> target, Map<String, BsonDocument> creations) {
		if (creations.isEmpty()) {
			return;
		}
		List<BsonDocument> inserts = new ArrayList<>(creations.size());
		creations.forEach((id, update) -> {
			BsonDocument created = new BsonDocument("_id", new BsonString(id));
			update.getDocument("$set").forEach(created::append);
			if (update.containsKey("$inc")) {
				update.getDocument("$inc").forEach(created::append);
			}
			inserts.add(created);
		});
		try {
			target.insertMany(inserts, new InsertManyOptions().ordered(false));
		}
		catch (MongoBulkWriteException ex) {
			List<WriteModel<BsonDocument>> updates = new ArrayList<>();
			for (BulkWriteError error : ex.getWriteErrors()) {
				if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
					throw ex;
				}
				BsonValue id = inserts.get(error.getIndex()).get("_id");
				updates.add(new UpdateOneModel<>(new BsonDocument("_id", id), creations.get(id.asString().getValue()),
						UPSERT));
			}
			target.bulkWrite(updates, new BulkWriteOptions().ordered(false));
		}
	}

	/** A stored map of versions (field to version key) as BSON, empty for none. */
	private static BsonDocument strings(Document stored) {
		BsonDocument copy = new BsonDocument();
		if (stored != null) {
			stored.forEach((field, value) -> copy.append(field, new BsonString((String) value)));
		}
		return copy;
	}

	/** A version as journals and plans store it: its key, "" for none. */
	public static String keyOf(ChangeVersion version) {
		return version == null ? "" : version.key();
	}
}
