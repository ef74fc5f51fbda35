package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.BsonDocument;
import org.bson.BsonNumber;
import org.bson.BsonValue;
import org.bson.Document;

import io.couponsync.chain.staging.StagingRepository.Written;
import io.couponsync.platform.mongo.UpdateEachById;

/**
 * {@code chain_events}: the audit log of every applied event, one document per event keyed by signature and event
 * index. Counters and histories of the read model are recomputed from it, which keeps them exact under re-application.
 */
public final class ChainEventLog {

	public static final String COLLECTION = "chain_events";

	/**
	 * {@code counted_events}: one small document per event whose contributions are in the counters
	 * ({@link CounterJournal}), keyed by the event's id. why: marking each event's own log entry cost an update of
	 * a large document per event, the costliest write of a chunk after staging's; a marker is an insert of an id.
	 */
	public static final String COUNTED_COLLECTION = "counted_events";

	/** The flag an event's log entry carried before {@value #COUNTED_COLLECTION}; still honoured where true. */
	static final String COUNTED = "counted";

	private static final int DUPLICATE_KEY = 11000;

	private final MongoDatabase database;

	private final MongoCollection<Document> events;

	private final MongoCollection<Document> counted;

	public ChainEventLog(MongoDatabase database) {
		this.database = database;
		this.events = database.getCollection(COLLECTION);
		this.counted = database.getCollection(COUNTED_COLLECTION);
	}

	public void createIndexes() {
		events.createIndex(Indexes.ascending("name"), new IndexOptions().name("name"));
		events.createIndex(Indexes.ascending("signature"), new IndexOptions().name("signature"));
		events.createIndex(Indexes.ascending("slot"), new IndexOptions().name("slot"));
	}

	/** The key of one counter of one document, as events' contributions name it. */
	public static String counterKey(CounterSpec counter, String key) {
		return counter.name() + "|" + key;
	}

	/**
	 * Logs the events with what each contributes to the counters. An event logged already (a re-run after a crash, a
	 * replay) gets its re-decoded data, and its contributions unless it is counted (they stay what was counted); its
	 * commitment stays as it is. Returns the ids of the events not counted yet: the new ones, and those logged
	 * already that have no counted marker (looked up only for them).
	 */
	public Set<String> append(List<ChainEvent> chunk, List<CounterSpec> counters) {
		Set<String> uncounted = new HashSet<>();
		if (chunk.isEmpty()) {
			return uncounted;
		}
		List<Document> inserts = new ArrayList<>(chunk.size());
		Date now = new Date();
		for (ChainEvent event : chunk) {
			inserts.add(logged(event, counters).append("_id", event.id()).append("commitment", "confirmed")
				.append("appliedAt", now));
		}
		// why: nearly every event is new, and an insert costs the server a fraction of an upsert of a dozen fields
		List<ChainEvent> alreadyLogged = new ArrayList<>();
		insertIfAbsent(events, inserts).forEach(index -> alreadyLogged.add(chunk.get(index)));
		chunk.forEach(event -> uncounted.add(event.id()));
		if (!alreadyLogged.isEmpty()) {
			List<String> loggedIds = alreadyLogged.stream().map(ChainEvent::id).toList();
			Set<String> notCounted = uncounted(loggedIds);
			List<WriteModel<Document>> writes = new ArrayList<>(alreadyLogged.size());
			for (ChainEvent event : alreadyLogged) {
				Document entry = logged(event, counters);
				if (!notCounted.contains(event.id())) {
					// why: a counted event's contributions are what a fork's undo takes back; the counters' definitions
					// may have changed since it was counted
					entry.remove("counters");
				}
				writes.add(new UpdateOneModel<>(Filters.eq("_id", event.id()), new Document("$set", entry)));
			}
			events.bulkWrite(writes, new BulkWriteOptions().ordered(false));
			uncounted.removeAll(loggedIds);
			uncounted.addAll(notCounted);
		}
		return uncounted;
	}

	/** The fields of an event's log entry that its decoding determines. */
	private static Document logged(ChainEvent event, List<CounterSpec> counters) {
		return new Document("signature", event.signature()).append("index", event.index())
			.append("name", event.name()).append("slot", event.version().slot())
			.append("positionInBlock", event.version().positionInBlock()).append("version", event.version().key())
			.append("data", event.data()).append("refs", event.refs())
			.append("counters", contributions(event, counters)).append("blockTime", event.blockTime())
			.append("instruction", event.instruction());
	}

	/**
	 * What the event adds to each counter: {@code {k: counter|key, v: amount}}. Throws {@link IllegalArgumentException}
	 * naming the field when one a counter reads is missing or of another type (an IDL that renamed it), so that the
	 * apply job's trial dead-letters the transaction rather than fail its chunk.
	 */
	public static List<Document> contributions(ChainEvent event, List<CounterSpec> counters) {
		List<Document> contributions = new ArrayList<>();
		for (CounterSpec counter : counters) {
			for (CounterSpec.Source source : counter.sources()) {
				if (!source.event().equals(event.name()) || (source.onlyIfField() != null
						&& !source.onlyIfValue().equals(value(event, counter, source.onlyIfField())))
						|| (source.instruction() != null && !source.instruction().equals(event.instruction()))) {
					continue;
				}
				String key = source.keyPath() == null ? ""
						: counted(event, counter, source.keyPath(), BsonValue::isString).asString().getValue();
				long amount = source.sumField() == null ? 1
						: counted(event, counter, source.sumField(), BsonNumber.class::isInstance).asNumber().longValue();
				contributions.add(new Document("k", counterKey(counter, key)).append("v", source.multiplier() * amount));
			}
		}
		return contributions;
	}

	private static BsonValue counted(ChainEvent event, CounterSpec counter, String path,
			Predicate<BsonValue> expected) {
		BsonValue value = event.value(path);
		if (value == null || !expected.test(value)) {
			throw new IllegalArgumentException(event.name() + "." + path + ", which counter " + counter.name()
					+ " reads, is " + (value == null ? "missing" : "a " + value.getBsonType()));
		}
		return value;
	}

	private static Object value(ChainEvent event, CounterSpec counter, String field) {
		BsonValue value = counted(event, counter, field, any -> true);
		if (value.isBoolean()) {
			return value.asBoolean().getValue();
		}
		return value.isString() ? value.asString().getValue() : value.toString();
	}

	/**
	 * The ids among these (of logged events) not counted yet: those without a counted marker whose log entry does not
	 * carry the older {@value #COUNTED} flag either ({@code _id} lookups).
	 */
	public Set<String> uncounted(Collection<String> eventIds) {
		Set<String> found = new HashSet<>(eventIds);
		if (found.isEmpty()) {
			return found;
		}
		counted.find(Filters.in("_id", eventIds)).projection(Projections.include("_id"))
			.forEach(marker -> found.remove(marker.getString("_id")));
		if (!found.isEmpty()) {
			events.find(Filters.and(Filters.in("_id", List.copyOf(found)), Filters.eq(COUNTED, true)))
				.projection(Projections.include("_id"))
				.forEach(flagged -> found.remove(flagged.getString("_id")));
		}
		return found;
	}

	/** What a logged event adds to one counter ({@link #counterKey}), at the event's version. */
	public record Contribution(String eventId, String version, String counterKey, long amount) {
	}

	/**
	 * The counter contributions of the events logged past {@code slot} (index {@code slot}; events that count nothing
	 * left out by the query), counted or not ({@link #uncounted}): what separates a counter as it is from its value at
	 * an account read of that slot. Empty when more than {@code limit} events qualify (finalization stalled behind
	 * reads at finalized), rather than loading them all.
	 */
	public Optional<List<Contribution>> contributionsAfter(long slot, int limit) {
		List<Document> logged = events.find(Filters.and(Filters.gt("slot", slot), Filters.exists("counters.0")))
			.projection(Projections.include("version", "counters"))
			.limit(limit + 1)
			.into(new ArrayList<>());
		if (logged.size() > limit) {
			return Optional.empty();
		}
		List<Contribution> contributions = new ArrayList<>();
		for (Document event : logged) {
			for (Document contribution : event.getList("counters", Document.class, List.of())) {
				contributions.add(new Contribution(event.getString("_id"), event.getString("version"),
						contribution.getString("k"), contribution.get("v", Number.class).longValue()));
			}
		}
		return Optional.of(contributions);
	}

	/** Records these events as counted; recording one again changes nothing (a follow-up repeated after a crash). */
	public void markCounted(List<String> eventIds) {
		if (eventIds.isEmpty()) {
			return;
		}
		List<Document> markers = new ArrayList<>(eventIds.size());
		eventIds.forEach(id -> markers.add(new Document("_id", id)));
		insertIfAbsent(counted, markers);
	}

	/** Inserts the documents whose {@code _id} is not there yet; returns the positions of those that were. */
	private static List<Integer> insertIfAbsent(MongoCollection<Document> collection, List<Document> documents) {
		List<Integer> present = new ArrayList<>();
		try {
			collection.insertMany(documents, new InsertManyOptions().ordered(false));
		}
		catch (MongoBulkWriteException ex) {
			for (BulkWriteError error : ex.getWriteErrors()) {
				if (error.getCode() != DUPLICATE_KEY) {
					throw ex;
				}
				present.add(error.getIndex());
			}
		}
		return present;
	}

	/**
	 * What these logged events added to the counters when they were logged ({@code {k, v}} each), by event id; an
	 * entry logged without them is left out.
	 */
	public Map<String, List<Document>> loggedContributions(Collection<String> eventIds) {
		Map<String, List<Document>> logged = new HashMap<>();
		if (!eventIds.isEmpty()) {
			events.find(Filters.in("_id", eventIds)).projection(Projections.include("counters")).forEach(event -> {
				List<Document> counters = event.getList("counters", Document.class);
				if (counters != null) {
					logged.put(event.getString("_id"), counters);
				}
			});
		}
		return logged;
	}

	/** The logged events of these transactions, as they were applied. */
	public List<ChainEvent> events(Collection<String> signatures) {
		List<ChainEvent> found = new ArrayList<>();
		database.getCollection(COLLECTION, BsonDocument.class).find(Filters.in("signature", signatures))
			.sort(Sorts.ascending("version"))
			.forEach(document -> found.add(fromDocument(document)));
		return found;
	}

	private static ChainEvent fromDocument(BsonDocument document) {
		String signature = document.getString("signature").getValue();
		int index = document.getInt32("index").getValue();
		Integer position = document.get("positionInBlock") == null || document.get("positionInBlock").isNull() ? null
				: document.getInt32("positionInBlock").getValue();
		return new ChainEvent(signature, index, document.getString("name").getValue(),
				new ChangeVersion(document.getNumber("slot").longValue(), position, signature, index),
				document.getDocument("data"), document.getDocument("refs", new BsonDocument()),
				document.isNumber("blockTime") ? document.getNumber("blockTime").longValue() : null,
				document.isString("instruction") ? document.getString("instruction").getValue() : null);
	}

	/**
	 * Forgets the events of transactions a fork dropped, their counted markers first: an event logged again (the
	 * transaction landing anew) is then counted again, its contributions having been taken back out.
	 */
	public void delete(Collection<String> signatures) {
		List<String> ids = new ArrayList<>();
		events.find(Filters.in("signature", signatures)).projection(Projections.include("_id"))
			.forEach(event -> ids.add(event.getString("_id")));
		if (!ids.isEmpty()) {
			counted.deleteMany(Filters.in("_id", ids));
		}
		events.deleteMany(Filters.in("signature", signatures));
	}

	/** Marks finalized the events these transactions logged, by their ids. */
	public void markFinalized(Collection<Written> written) {
		List<String> ids = written.stream().flatMap(transaction -> transaction.events().stream()).toList();
		if (!ids.isEmpty()) {
			UpdateEachById.update(events, ids, Updates.set("commitment", "finalized"));
		}
	}

	/** Whether any logged event of this name has {@code field} equal to {@code value}. */
	public boolean mentions(String event, String field, String value) {
		return events.find(Filters.and(Filters.eq("name", event), Filters.eq("data." + field, value))).first() != null;
	}

	/**
	 * For each of these values, the newest logged event of this name whose {@code field} holds it (the {@code name}
	 * index, then the field; asked only by a fork's undo, for the fields it gives back).
	 */
	public Map<String, ChainEvent> newestByKey(String event, String field, Collection<String> values) {
		Map<String, ChainEvent> newest = new HashMap<>();
		if (values.isEmpty()) {
			return newest;
		}
		database.getCollection(COLLECTION, BsonDocument.class)
			.find(Filters.and(Filters.eq("name", event), Filters.in("data." + field, values)))
			.sort(Sorts.descending("version"))
			.forEach(document -> {
				ChainEvent found = fromDocument(document);
				BsonValue key = found.data().get(field);
				if (key != null && key.isString()) {
					newest.putIfAbsent(key.asString().getValue(), found);
				}
			});
		return newest;
	}

	/** The logged events of this name whose {@code field} is {@code value}, in chain order (the {@code name} index). */
	public List<ChainEvent> named(String event, String field, String value) {
		List<ChainEvent> found = new ArrayList<>();
		database.getCollection(COLLECTION, BsonDocument.class)
			.find(Filters.and(Filters.eq("name", event), Filters.eq("data." + field, value)))
			.sort(Sorts.ascending("version"))
			.forEach(document -> found.add(fromDocument(document)));
		return found;
	}

	/** Events of these names about one of the coupons (by their field or their reference {@code coupon}), in chain order. */
	public List<ChainEvent> couponHistory(List<String> names, Collection<String> coupons) {
		List<ChainEvent> found = new ArrayList<>();
		database.getCollection(COLLECTION, BsonDocument.class)
			.find(Filters.and(Filters.in("name", names),
					Filters.or(Filters.in("data.coupon", coupons), Filters.in("refs.coupon", coupons))))
			.sort(Sorts.ascending("version"))
			.forEach(document -> found.add(fromDocument(document)));
		return found;
	}
}
