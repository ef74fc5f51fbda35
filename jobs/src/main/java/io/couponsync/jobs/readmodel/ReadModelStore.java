package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.MongoBulkWriteException;
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
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;

import io.couponsync.chain.staging.StagingRepository.Written;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelChanges.FieldChange;
import io.couponsync.platform.mongo.UpdateEachById;

/**
 * Applies folded changes to the read model with two or three round trips per collection: one read of the stored
 * field versions of the documents touched, one unordered bulk of updates that set only the fields whose change is
 * at least as new as the stored one, one unordered insert of the documents that did not exist. Re-applying the
 * same changes, or older ones, therefore changes nothing, and replaying a transaction rewrites exactly what it
 * last wrote. The apply job is the read model's only writer while it runs (jobs never run concurrently), which this
 * read-then-write relies on.
 */
public final class ReadModelStore {

	/** Per-field change versions, kept in each document. */
	public static final String VERSIONS = "_versions";

	/** The signature part of the version of state read from the chain rather than from an event. */
	public static final String RESYNC_SOURCE = "chain-resync";

	/** The signature part of the version of state the reconciliation job read from the chain. */
	public static final String RECONCILE_SOURCE = "chain-reconcile";

	/** The last-change sources of account reads (fork-undo resyncs, reconciliation), not of events. */
	public static final List<String> ACCOUNT_READ_SOURCES = List.of(RESYNC_SOURCE, RECONCILE_SOURCE);

	/** Slots of resyncs whose documents are not finalized yet. */
	static final String PENDING_RESYNCS = "read_model_resyncs";

	/** By slot: documents whose set-once fields are read again once that slot is finalized. */
	static final String SET_ONCE_REREADS = "read_model_set_once_rereads";

	/** The orphan mark: the document's account does not exist (any more) on chain, why, and since when. */
	public static final String ORPHANED = "orphaned";

	public static final String ORPHAN_REASON = "orphanReason";

	public static final String ORPHANED_AT = "orphanedAt";

	/** The orphan reason of an account an instruction closed. */
	public static final String CLOSED = "closed";

	private static final List<String> ORPHAN_FIELDS = List.of(ORPHANED, ORPHAN_REASON, ORPHANED_AT);

	private static final Set<String> CLOSABLE = io.couponsync.jobs.readmodel.Projections.CLOSABLE;

	private static final int DUPLICATE_KEY = 11000;

	private final MongoDatabase database;

	public ReadModelStore(MongoDatabase database) {
		this.database = database;
	}

	private static boolean allZero(Document fields) {
		return fields.values().stream()
			.allMatch(value -> value instanceof Number number && number.doubleValue() == 0);
	}

	/** The documents of these ids in a collection (one {@code _id} lookup), by id. */
	public Map<String, BsonDocument> read(String collection, Collection<String> ids) {
		Map<String, BsonDocument> found = new HashMap<>();
		database.getCollection(collection, BsonDocument.class).find(Filters.in("_id", ids))
			.forEach(document -> found.put(document.getString("_id").getValue(), document));
		return found;
	}

	/**
	 * The newest slot any of these documents was changed at ({@code lastSlot}: an event's slot or an account read's
	 * context slot), 0 when none holds one; one {@code _id} lookup per collection.
	 */
	public long newestChangeSlot(Collection<DocumentKey> documents) {
		Map<String, List<String>> idsByCollection = new LinkedHashMap<>();
		documents.forEach(key -> idsByCollection.computeIfAbsent(key.collection(), c -> new ArrayList<>()).add(key.id()));
		long newest = 0;
		for (Map.Entry<String, List<String>> collection : idsByCollection.entrySet()) {
			for (Document document : database.getCollection(collection.getKey())
				.find(Filters.in("_id", collection.getValue()))
				.projection(Projections.include("lastSlot"))) {
				if (document.get("lastSlot") instanceof Number slot) {
					newest = Math.max(newest, slot.longValue());
				}
			}
		}
		return newest;
	}

	/**
	 * Marks finalized the documents these transactions wrote (by signature) whose last change is still one of theirs:
	 * one update by {@code _id} per collection. Each document's condition names only the signatures that wrote it —
	 * naming all of them in every statement made a chunk's bulk grow with documents times signatures (about 23 kB
	 * per statement at 256 signatures).
	 */
	public void markFinalized(Map<String, Written> writtenBySignature) {
		Map<String, Map<String, List<String>>> writersByCollection = new LinkedHashMap<>();
		writtenBySignature.forEach((signature, written) -> written.documents().forEach((collection, ids) -> {
			Map<String, List<String>> writers = writersByCollection.computeIfAbsent(collection,
					c -> new LinkedHashMap<>());
			ids.forEach(id -> writers.computeIfAbsent(id, i -> new ArrayList<>(1)).add(signature));
		}));
		writersByCollection.forEach((collection, writers) -> {
			Map<String, Bson> lastWrittenByOneOfThem = new LinkedHashMap<>();
			writers.forEach((id, signatures) -> lastWrittenByOneOfThem.put(id, signatures.size() == 1
					? Filters.eq("lastSignature", signatures.get(0)) : Filters.in("lastSignature", signatures)));
			UpdateEachById.update(database.getCollection(collection), lastWrittenByOneOfThem,
					Updates.set("commitment", "finalized"));
		});
	}

	/**
	 * Sets recounted totals as they are: a recount is always the whole truth, so it needs no version. Totals that
	 * are all zero never create a document — after a fork took away the only events naming an account the chain
	 * never had, such a document would describe nothing.
	 */
	public void setCounters(String collection, Map<String, Document> totals) {
		List<WriteModel<Document>> writes = new ArrayList<>();
		UpdateOptions upsert = new UpdateOptions().upsert(true);
		UpdateOptions existingOnly = new UpdateOptions();
		totals.forEach((id, fields) -> writes.add(new UpdateOneModel<>(Filters.eq("_id", id),
				new Document("$set", fields), allZero(fields) ? existingOnly : upsert)));
		if (!writes.isEmpty()) {
			database.getCollection(collection).bulkWrite(writes, new BulkWriteOptions().ordered(false));
		}
	}

	/**
	 * Gives a field its initial value in those of these documents that lack it (one update), with no version: the
	 * value an account starts with, which events then change (a user's empty badge list).
	 */
	public void setWhereAbsent(String collection, Collection<String> ids, String field, BsonValue value) {
		if (!ids.isEmpty()) {
			database.getCollection(collection).updateMany(Filters.and(Filters.in("_id", ids),
					Filters.exists(field, false)), Updates.set(field, value));
		}
	}

	/** Sets values recomputed from the whole log (histories), with no version guard. */
	public void applyUnversioned(ReadModelChanges changes) {
		Map<String, Map<String, Document>> byCollection = new LinkedHashMap<>();
		changes.documents().forEach((key, fields) -> {
			Document set = new Document();
			fields.forEach((field, change) -> set.append(field, change.value()));
			byCollection.computeIfAbsent(key.collection(), c -> new LinkedHashMap<>()).put(key.id(), set);
		});
		byCollection.forEach(this::setCounters);
	}

	public void apply(ReadModelChanges changes) {
		apply(changes, false, false);
	}

	/**
	 * Writes account state the reconciliation job read from the chain at {@code slot} (versions
	 * {@link ChangeVersion#endOfSlot} with {@link #RECONCILE_SOURCE}): unlike {@link #resync}, every field given,
	 * and documents that do not exist yet are created — an account no event describes gets its document here. The
	 * same version guard as events': a field an event changed after the read keeps the event's value, and a write
	 * takes an orphan mark away. State read at {@code finalized} is final at once; otherwise the documents become
	 * finalized once {@code slot} is ({@link #finalizeResyncs}).
	 */
	public void reconcile(ReadModelChanges changes, long slot, boolean readAtFinalized) {
		if (changes.documents().isEmpty()) {
			return;
		}
		if (!readAtFinalized) {
			rememberResync(slot);
		}
		apply(changes, false, readAtFinalized);
	}

	/**
	 * Writes account state read from the chain at {@code slot} (versions {@link ChangeVersion#endOfSlot}): as
	 * {@link #apply}, but only the fields a document already holds and never a new document — the read model keeps
	 * current what events describe, and a field no event maintains would go stale after it. A read newer than a
	 * document's last change becomes that change even where it rewrites no field, and takes an orphan mark away: the
	 * account exists. The documents become finalized once {@code slot} is ({@link #finalizeResyncs}).
	 */
	public void resync(ReadModelChanges changes, long slot) {
		if (changes.documents().isEmpty()) {
			return;
		}
		rememberResync(slot);
		apply(changes, true, false);
	}

	/**
	 * Takes out of these documents every field whose last change came from one of the undone transactions and that
	 * the account read did not rewrite — the read-model extras only events give (a dropped sale's {@code buyer}, a
	 * dropped cancellation's {@code cancelReason}) — with its version, so that whatever event sets it next (the
	 * transaction landed again) sets it. An earlier event's value is not brought back here: the fork's undo does
	 * that afterwards ({@link io.couponsync.jobs.readmodel.Projections#EVENT_ONLY_FIELDS}).
	 * One read of the versions and one bulk per collection.
	 */
	public void forgetChangesOf(Collection<String> signatures, Map<DocumentKey, Set<String>> rewrittenFields) {
		if (signatures.isEmpty() || rewrittenFields.isEmpty()) {
			return;
		}
		Set<String> undone = Set.copyOf(signatures);
		Map<String, Map<String, Set<String>>> byCollection = new LinkedHashMap<>();
		rewrittenFields.forEach((key, fields) -> byCollection.computeIfAbsent(key.collection(),
				c -> new LinkedHashMap<>()).put(key.id(), fields));
		byCollection.forEach((collection, documents) -> {
			List<WriteModel<Document>> writes = new ArrayList<>();
			database.getCollection(collection).find(Filters.in("_id", documents.keySet()))
				.projection(Projections.include(VERSIONS)).forEach(document -> {
					Document versions = document.get(VERSIONS, Document.class);
					Set<String> rewritten = documents.get(document.getString("_id"));
					Document unset = new Document();
					if (versions != null) {
						versions.forEach((field, key) -> {
							ChangeVersion version = ChangeVersion.parse((String) key);
							if (version != null && undone.contains(version.signature()) && !rewritten.contains(field)
									&& !ORPHAN_FIELDS.contains(field)) {
								unset.append(field, "").append(VERSIONS + "." + field, "");
							}
						});
					}
					if (!unset.isEmpty()) {
						writes.add(new UpdateOneModel<>(Filters.eq("_id", document.getString("_id")),
								new Document("$unset", unset)));
					}
				});
			if (!writes.isEmpty()) {
				database.getCollection(collection).bulkWrite(writes, new BulkWriteOptions().ordered(false));
			}
		});
	}

	/**
	 * Marks documents whose accounts the chain no longer has at {@code slot} orphaned. The mark is a change at that
	 * slot: an event after it (the account created again, a transaction landed again) writes the document and
	 * takes the mark away.
	 */
	public void markOrphaned(Collection<DocumentKey> documents, String reason, long slot) {
		if (documents.isEmpty()) {
			return;
		}
		rememberResync(slot);
		String version = ChangeVersion.endOfSlot(slot, RESYNC_SOURCE).key();
		Map<String, List<String>> byCollection = new LinkedHashMap<>();
		documents.forEach(key -> byCollection.computeIfAbsent(key.collection(), c -> new ArrayList<>()).add(key.id()));
		byCollection.forEach((collection, ids) -> database.getCollection(collection).updateMany(Filters.in("_id", ids),
				Updates.combine(Updates.set(ORPHANED, true), Updates.set(ORPHAN_REASON, reason),
						Updates.set(ORPHANED_AT, new Date()), Updates.set("lastVersion", version),
						Updates.set("lastSlot", slot), Updates.set("lastSignature", RESYNC_SOURCE),
						Updates.set("commitment", "confirmed"))));
	}

	/**
	 * As {@link #markOrphaned}, for a read that found no account: only documents not marked already (their
	 * {@code orphanedAt} is when the account was first missed, which the retention counts from) and not changed
	 * after {@code slot} (an event newer than the read created the account again). Returns how many were marked.
	 */
	public long markOrphanedAsOf(Collection<DocumentKey> documents, String reason, long slot, boolean readAtFinalized) {
		if (documents.isEmpty()) {
			return 0;
		}
		if (!readAtFinalized) {
			rememberResync(slot);
		}
		String version = ChangeVersion.endOfSlot(slot, RESYNC_SOURCE).key();
		Map<String, List<String>> byCollection = new LinkedHashMap<>();
		documents.forEach(key -> byCollection.computeIfAbsent(key.collection(), c -> new ArrayList<>()).add(key.id()));
		long marked = 0;
		for (Map.Entry<String, List<String>> collection : byCollection.entrySet()) {
			marked += database.getCollection(collection.getKey()).updateMany(
					Filters.and(Filters.in("_id", collection.getValue()), Filters.ne(ORPHANED, true),
							Filters.or(Filters.exists("lastSlot", false), Filters.lte("lastSlot", slot))),
					Updates.combine(Updates.set(ORPHANED, true), Updates.set(ORPHAN_REASON, reason),
							Updates.set(ORPHANED_AT, new Date()), Updates.set("lastVersion", version),
							Updates.set("lastSlot", slot), Updates.set("lastSignature", RESYNC_SOURCE),
							Updates.set("commitment", readAtFinalized ? "finalized" : "confirmed")))
				.getModifiedCount();
		}
		return marked;
	}

	/** Whether some resync's documents wait for their slot to be finalized (one small query). */
	public boolean hasUnfinalizedResyncs() {
		return database.getCollection(PENDING_RESYNCS).find().limit(1).first() != null;
	}

	/** Marks finalized the documents whose last change is a resync at or below {@code finalizedSlot}. */
	public void finalizeResyncs(long finalizedSlot) {
		var settled = database.getCollection(PENDING_RESYNCS).find(Filters.lte("_id", finalizedSlot)).first();
		if (settled == null) {
			return;
		}
		for (String collection : io.couponsync.jobs.readmodel.Projections.COLLECTIONS) {
			database.getCollection(collection).updateMany(
					Filters.and(Filters.in("lastSignature", ACCOUNT_READ_SOURCES), Filters.eq("commitment", "confirmed"),
							Filters.lte("lastSlot", finalizedSlot)),
					Updates.set("commitment", "finalized"));
		}
		database.getCollection(PENDING_RESYNCS).deleteMany(Filters.lte("_id", finalizedSlot));
	}

	/**
	 * Remembers documents whose set-once fields ({@link io.couponsync.jobs.readmodel.Projections#isSetOnce}) a
	 * fork's undo could not take from its read at {@code slot}: they are read again at finalized once that slot is
	 * ({@link #setOnceRereadsDue}). One upsert; remembering the same documents again changes nothing.
	 */
	public void rereadSetOnceWhenFinalized(Collection<DocumentKey> documents, long slot) {
		if (documents.isEmpty()) {
			return;
		}
		List<Document> keys = documents.stream()
			.map(key -> new Document("c", key.collection()).append("id", key.id()))
			.toList();
		database.getCollection(SET_ONCE_REREADS).updateOne(Filters.eq("_id", slot),
				Updates.addEachToSet("documents", keys), new UpdateOptions().upsert(true));
	}

	/** Whether some documents wait to have their set-once fields read again (one small query). */
	public boolean hasSetOnceRereads() {
		return database.getCollection(SET_ONCE_REREADS).find().limit(1).first() != null;
	}

	/**
	 * The documents to read again whose slot is at or below {@code finalizedSlot}, by slot, oldest first: whole
	 * slots until {@code limit} documents are reached (at least one slot). One {@code _id} range query.
	 */
	public Map<Long, List<DocumentKey>> setOnceRereadsDue(long finalizedSlot, int limit) {
		Map<Long, List<DocumentKey>> due = new LinkedHashMap<>();
		int documents = 0;
		for (Document pending : database.getCollection(SET_ONCE_REREADS).find(Filters.lte("_id", finalizedSlot))
			.sort(new Document("_id", 1))) {
			if (documents >= limit) {
				break;
			}
			List<DocumentKey> keys = new ArrayList<>();
			for (Document key : pending.getList("documents", Document.class, List.of())) {
				keys.add(new DocumentKey(key.getString("c"), key.getString("id")));
			}
			due.put(((Number) pending.get("_id")).longValue(), keys);
			documents += keys.size();
		}
		return due;
	}

	/** Every document waiting to have its set-once fields read again at finalized. */
	public Set<DocumentKey> awaitingSetOnceRereads() {
		Set<DocumentKey> awaiting = new HashSet<>();
		for (Document pending : database.getCollection(SET_ONCE_REREADS).find()) {
			for (Document key : pending.getList("documents", Document.class, List.of())) {
				awaiting.add(new DocumentKey(key.getString("c"), key.getString("id")));
			}
		}
		return awaiting;
	}

	/** Forgets the rereads of these slots, once done. */
	public void setOnceRereadsDone(Collection<Long> slots) {
		database.getCollection(SET_ONCE_REREADS).deleteMany(Filters.in("_id", slots));
	}

	/**
	 * Sets set-once fields read from finalized state, whatever the events set: such a value is final, and a later
	 * event's (of a transaction applied before a fork's undo took out the dropped one's value) is not the account's.
	 * Each field keeps its change version — a reconciliation's read, which events do not set over — and only
	 * documents that exist, are not marked orphaned and hold another value are written. One bulk per collection;
	 * returns how many documents changed.
	 */
	public long setFinalSetOnceValues(ReadModelChanges finalValues) {
		Map<String, List<WriteModel<Document>>> writes = new LinkedHashMap<>();
		finalValues.documents().forEach((key, fields) -> fields.forEach((field, change) -> {
			Document set = new Document(field, change.value()).append(VERSIONS + "." + field, change.version().key());
			writes.computeIfAbsent(key.collection(), c -> new ArrayList<>()).add(new UpdateOneModel<>(
					Filters.and(Filters.eq("_id", key.id()), Filters.ne(ORPHANED, true),
							Filters.ne(field, change.value())),
					new Document("$set", set)));
		}));
		long written = 0;
		for (Map.Entry<String, List<WriteModel<Document>>> collection : writes.entrySet()) {
			written += database.getCollection(collection.getKey()).bulkWrite(collection.getValue(),
					new BulkWriteOptions().ordered(false)).getModifiedCount();
		}
		return written;
	}

	private void rememberResync(long slot) {
		database.getCollection(PENDING_RESYNCS).updateOne(Filters.eq("_id", slot),
				Updates.setOnInsert("recordedAt", new Date()), new UpdateOptions().upsert(true));
	}

	private void apply(ReadModelChanges changes, boolean heldFieldsOnly, boolean finalized) {
		Map<String, Map<String, Map<String, FieldChange>>> byCollection = new LinkedHashMap<>();
		changes.documents().forEach((key, fields) -> byCollection
			.computeIfAbsent(key.collection(), c -> new LinkedHashMap<>()).put(key.id(), fields));
		byCollection.forEach((collection, documents) -> applyCollection(collection, documents, heldFieldsOnly,
				finalized));
	}

	/**
	 * Whether a stored version is a reconciliation's read. why: a set-once value read from the account is the truth
	 * whatever the events (a history synced from later than the account's creation); a fork's re-read never writes
	 * one (it may read a state a later fork drops, which no later event would correct).
	 */
	private static boolean writtenByAReconciliation(String storedVersion) {
		ChangeVersion version = ChangeVersion.parse(storedVersion);
		return version != null && RECONCILE_SOURCE.equals(version.signature());
	}

	/**
	 * Whether the document is marked orphaned as of a version before {@code key}: its account was gone (closed, or
	 * its creation dropped by a fork), so a later change is of an account created again, whose set-once fields are
	 * set anew.
	 */
	private static boolean orphanedBefore(Document existing, String key) {
		if (existing == null || !Boolean.TRUE.equals(existing.get(ORPHANED))) {
			return false;
		}
		Document versions = existing.get(VERSIONS, Document.class);
		String mark = versions != null && versions.getString(ORPHANED) != null ? versions.getString(ORPHANED)
				: existing.getString("lastVersion");
		return mark == null || key.compareTo(mark) > 0;
	}

	/**
	 * The version as of which a stored document's account was gone, if its orphan mark is final: a closure's event in
	 * a finalized slot, or a read that found no account, at {@code finalized} or since finalized. {@code null}
	 * otherwise. why: a mark a fork can still take back (a cancellation on a fork that is then dropped) proves no
	 * closure, and the write that takes it away may be of the same account, whose fields must stay.
	 */
	private static String finalClosure(Document existing) {
		if (existing == null || !Boolean.TRUE.equals(existing.get(ORPHANED))
				|| !"finalized".equals(existing.getString("commitment"))) {
			return null;
		}
		if (RESYNC_SOURCE.equals(existing.getString("lastSignature"))) {
			return existing.getString("lastVersion");
		}
		Document versions = existing.get(VERSIONS, Document.class);
		return versions == null ? null : versions.getString(ORPHANED);
	}

	/**
	 * Takes out of a document whose account is created again every field the closed account left, versioned as of
	 * the closure so that a late change of the closed account does not bring it back. why: a field no event of the
	 * new account writes (an auction's minBidIncrement, a ticket's redemptionLocation, both read from accounts)
	 * would show the closed account's value until the next read, where a new document shows none.
	 */
	private static void forgetTheClosedAccount(Document versions, String goneAt, BsonDocument set, BsonDocument unset,
			BsonDocument newVersions) {
		if (versions == null || goneAt == null) {
			return;
		}
		versions.forEach((field, key) -> {
			if (!ORPHAN_FIELDS.contains(field) && !set.containsKey(field) && key instanceof String version
					&& version.compareTo(goneAt) < 0) {
				unset.append(field, new BsonString(""));
				newVersions.append(field, new BsonString(goneAt));
			}
		});
	}

	/** The version of one document's account read: its fields all carry it. */
	private static ChangeVersion readVersion(Map<String, FieldChange> fields) {
		return fields.values().stream().map(FieldChange::version).max(ChangeVersion::compareTo).orElseThrow();
	}

	/**
	 * why: a document that did not exist when read is inserted whole — most of an apply chunk's documents are new,
	 * and an insert costs the server a fraction of an upsert of dotted version paths. One created meanwhile fails
	 * the insert on its key and gets the guarded update instead.
	 */
	private void applyCollection(String collection, Map<String, Map<String, FieldChange>> documents,
			boolean heldFieldsOnly, boolean finalized) {
		Map<String, Document> stored = new HashMap<>();
		var read = database.getCollection(collection).find(Filters.in("_id", documents.keySet()));
		if (!heldFieldsOnly) {
			read = read.projection(Projections.include(VERSIONS, "lastVersion", ORPHANED, "lastSignature", "commitment"));
		}
		read.forEach(document -> stored.put(document.getString("_id"), document));
		List<WriteModel<BsonDocument>> writes = new ArrayList<>();
		UpdateOptions upsert = new UpdateOptions().upsert(true);
		List<BsonDocument> inserts = new ArrayList<>();
		documents.forEach((id, fields) -> {
			Document existing = stored.get(id);
			if (heldFieldsOnly && existing == null) {
				return;
			}
			Document versions = existing == null ? null : existing.get(VERSIONS, Document.class);
			BsonDocument set = new BsonDocument();
			// why: the versions are set whole, merged from what was read, not one dotted path per field — the
			// embedded server splits every dotted path with regular expressions; the read-model lease makes this read
			// the current one, as the version guard already assumes
			BsonDocument newVersions = new BsonDocument();
			// why: a resync's read shows the account exists as of its version, whether or not it rewrites a field the
			// document holds — one written only by what a fork dropped (an orphan mark, a cancellation's reason)
			ChangeVersion newest = heldFieldsOnly ? readVersion(fields) : null;
			for (Map.Entry<String, FieldChange> field : fields.entrySet()) {
				if (heldFieldsOnly && !existing.containsKey(field.getKey())) {
					continue;
				}
				ChangeVersion version = field.getValue().version();
				String key = version.key();
				String storedVersion = versions == null ? null : versions.getString(field.getKey());
				if (storedVersion == null || (field.getValue().earliestWins()
						? key.compareTo(storedVersion) < 0 && !writtenByAReconciliation(storedVersion)
								|| orphanedBefore(existing, key)
						: key.compareTo(storedVersion) >= 0)) {
					set.append(field.getKey(), field.getValue().value());
					newVersions.append(field.getKey(), new BsonString(key));
					newest = newest == null || version.compareTo(newest) > 0 ? version : newest;
				}
			}
			String lastVersion = existing == null ? null : existing.getString("lastVersion");
			FieldChange mark = fields.get(ORPHANED);
			if (mark != null && set.containsKey(ORPHANED) && lastVersion != null
					&& !Boolean.TRUE.equals(existing.get(ORPHANED)) && mark.version().key().compareTo(lastVersion) < 0) {
				// why: a closure applied late (staged late by the crawler), after a change of the document it precedes
				// (the address created again, or read): the account exists
				for (String field : ORPHAN_FIELDS) {
					set.remove(field);
					newVersions.remove(field);
				}
			}
			if (set.isEmpty() && (!heldFieldsOnly || lastVersion == null || newest.key().compareTo(lastVersion) < 0)) {
				return;
			}
			BsonDocument update = new BsonDocument("$set", set);
			String newestKey = newest.key();
			if (lastVersion == null || newestKey.compareTo(lastVersion) >= 0) {
				// why: a newer change of the document means the account exists again — unless it is the closure.
				// The removal is versioned too, so replaying an older closure does not bring the mark back.
				if (mark != null && set.containsKey(ORPHANED) && newest.compareTo(mark.version()) > 0) {
					// why: the account was closed and created again within this chunk: the later change wins
					for (String field : ORPHAN_FIELDS) {
						set.remove(field);
						newVersions.remove(field);
					}
				}
				if ((existing != null && existing.containsKey(ORPHANED) || mark != null) && !set.containsKey(ORPHANED)) {
					BsonDocument unset = new BsonDocument();
					for (String field : ORPHAN_FIELDS) {
						unset.append(field, new BsonString(""));
						newVersions.append(field, new BsonString(newestKey));
					}
					if (CLOSABLE.contains(collection)) {
						forgetTheClosedAccount(versions, finalClosure(existing), set, unset, newVersions);
					}
					update.append("$unset", unset);
				}
				set.append("lastVersion", new BsonString(newestKey));
				set.append("lastSlot", new org.bson.BsonInt64(newest.slot()));
				set.append("lastSignature", new BsonString(newest.signature()));
				set.append("commitment", new BsonString(finalized ? "finalized" : "confirmed"));
			}
			if (!newVersions.isEmpty()) {
				set.append(VERSIONS, merged(versions, newVersions));
			}
			BsonDocument whole = existing == null ? whole(id, set) : null;
			if (whole != null) {
				inserts.add(whole);
			}
			else {
				writes.add(new UpdateOneModel<>(new BsonDocument("_id", new BsonString(id)), update,
						heldFieldsOnly ? new UpdateOptions() : upsert));
			}
		});
		if (!writes.isEmpty()) {
			database.getCollection(collection, BsonDocument.class).bulkWrite(writes,
					new BulkWriteOptions().ordered(false));
		}
		if (!inserts.isEmpty()) {
			insertNew(collection, inserts, documents, finalized);
		}
	}

	/** The stored versions with the new ones put over them, in the order the stored ones had. */
	private static BsonDocument merged(Document stored, BsonDocument changed) {
		if (stored == null || stored.isEmpty()) {
			return changed;
		}
		BsonDocument merged = new BsonDocument();
		stored.forEach((field, version) -> merged.append(field, new BsonString((String) version)));
		changed.forEach(merged::put);
		return merged;
	}

	/** The document a {@code $set} of top-level fields creates; null for other paths. */
	private static BsonDocument whole(String id, BsonDocument set) {
		BsonDocument whole = new BsonDocument("_id", new BsonString(id));
		for (Map.Entry<String, BsonValue> field : set.entrySet()) {
			if (field.getKey().indexOf('.') >= 0) {
				return null;
			}
			whole.append(field.getKey(), field.getValue());
		}
		return whole;
	}

	private void insertNew(String collection, List<BsonDocument> inserts,
			Map<String, Map<String, FieldChange>> documents, boolean finalized) {
		try {
			database.getCollection(collection, BsonDocument.class).insertMany(inserts,
					new InsertManyOptions().ordered(false));
		}
		catch (MongoBulkWriteException ex) {
			Map<String, Map<String, FieldChange>> existing = new LinkedHashMap<>();
			for (var error : ex.getWriteErrors()) {
				if (error.getCode() != DUPLICATE_KEY) {
					throw ex;
				}
				String id = inserts.get(error.getIndex()).getString("_id").getValue();
				existing.put(id, documents.get(id));
			}
			applyCollection(collection, existing, false, finalized);
		}
	}
}
