package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@code chain_events}: the audit log of every applied event, one document per event keyed by signature and event
 * index. Counters and histories of the read model are recomputed from it, which keeps them exact under re-application.
 */
public final class ChainEventLog {

	public static final String COLLECTION = "chain_events";

	private final MongoCollection<Document> events;

	private int roundTrips;

	public ChainEventLog(MongoDatabase database) {
		this.events = database.getCollection(COLLECTION);
	}

	public void createIndexes() {
		events.createIndex(Indexes.ascending("name"), new IndexOptions().name("name"));
		events.createIndex(Indexes.ascending("signature"), new IndexOptions().name("signature"));
	}

	public int takeRoundTrips() {
		int taken = roundTrips;
		roundTrips = 0;
		return taken;
	}

	/** Upserts the events; a re-decoded event replaces its data, its commitment is left as it is. */
	public void append(List<ChainEvent> chunk) {
		if (chunk.isEmpty()) {
			return;
		}
		List<WriteModel<Document>> writes = new ArrayList<>(chunk.size());
		UpdateOptions upsert = new UpdateOptions().upsert(true);
		Date now = new Date();
		for (ChainEvent event : chunk) {
			writes.add(new UpdateOneModel<>(Filters.eq("_id", event.id()), Updates.combine(
					Updates.set("signature", event.signature()), Updates.set("index", event.index()),
					Updates.set("name", event.name()), Updates.set("slot", event.version().slot()),
					Updates.set("positionInBlock", event.version().positionInBlock()),
					Updates.set("version", event.version().key()), Updates.set("data", event.data()),
					Updates.setOnInsert("commitment", "confirmed"), Updates.setOnInsert("appliedAt", now)), upsert));
		}
		events.bulkWrite(writes, new BulkWriteOptions().ordered(false));
		roundTrips++;
	}

	/** The counter source's total per key, over every logged event (keys with no event are absent). */
	public Map<String, Long> totals(CounterSpec.Source source, Collection<String> keys) {
		List<Bson> match = new ArrayList<>();
		match.add(Filters.eq("name", source.event()));
		if (source.keyField() != null) {
			match.add(Filters.in("data." + source.keyField(), keys));
		}
		if (source.onlyIfField() != null) {
			match.add(Filters.eq("data." + source.onlyIfField(), source.onlyIfValue()));
		}
		Object groupBy = source.keyField() == null ? null : "$data." + source.keyField();
		Object amount = source.sumField() == null ? 1 : "$data." + source.sumField();
		Map<String, Long> totals = new HashMap<>();
		events.aggregate(List.of(Aggregates.match(Filters.and(match)),
				Aggregates.group(groupBy, Accumulators.sum("total", amount))))
			.forEach(group -> totals.put(group.get("_id") == null ? "" : group.getString("_id"),
					((Number) group.get("total")).longValue()));
		roundTrips++;
		return totals;
	}

	/** For each value, the {@code returnField} of the (first logged) event named {@code event} matching it. */
	public Map<String, String> lookup(String event, String matchField, Collection<String> values, String returnField) {
		Map<String, String> found = new HashMap<>();
		events.find(Filters.and(Filters.eq("name", event), Filters.in("data." + matchField, values)))
			.sort(Sorts.ascending("version"))
			.forEach(document -> {
				Document data = document.get("data", Document.class);
				found.putIfAbsent(data.getString(matchField), data.getString(returnField));
			});
		roundTrips++;
		return found;
	}

	/** Events of these names whose {@code keyField} is one of the keys, in chain order. */
	public List<Document> history(List<String> names, String keyField, Collection<String> keys) {
		List<Document> found = new ArrayList<>();
		events.find(Filters.and(Filters.in("name", names), Filters.in("data." + keyField, keys)))
			.sort(Sorts.ascending("version"))
			.into(found);
		roundTrips++;
		return found;
	}
}
