package io.couponsync.jobs.readmodel;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * What projecting one chunk collects: field changes, each as of the version of the event that made it, and the
 * keys whose counters and histories need a recount.
 */
public final class ProjectionContext {

	private final ReadModelChanges changes = new ReadModelChanges();

	private final PdaResolver pdas;

	private final Map<String, Set<String>> touchedCounters = new LinkedHashMap<>();

	/** By signature: the documents its events set fields of, by collection. */
	private final Map<String, Map<String, Set<String>>> written = new HashMap<>();

	private ChainEvent current;

	public ProjectionContext(PdaResolver pdas) {
		this.pdas = pdas;
	}

	/** Makes {@code event} the one whose version the following changes carry. */
	public void startEvent(ChainEvent event) {
		this.current = event;
	}

	public ChainEvent event() {
		return current;
	}

	public PdaResolver pdas() {
		return pdas;
	}

	/** Sets fields of a document to the current event's values (same field names), as of the event's version. */
	public void copy(String collection, String id, String... fields) {
		for (String field : fields) {
			BsonValue value = current.data().get(field);
			if (value == null) {
				// why: an IDL that renamed the field; a null here would fail the chunk's write, not the transaction
				throw new IllegalArgumentException(current.name() + " has no field " + field);
			}
			set(collection, id, field, value);
		}
	}

	public void set(String collection, String id, String field, BsonValue value) {
		changes.set(collection, id, field, value, current.version());
		written.computeIfAbsent(current.signature(), signature -> new LinkedHashMap<>())
			.computeIfAbsent(collection, c -> new LinkedHashSet<>()).add(id);
	}

	/** Sets a field the program sets once: the earliest event's value wins ({@link ReadModelChanges#setEarliest}). */
	public void setEarliest(String collection, String id, String field, BsonValue value) {
		changes.setEarliest(collection, id, field, value, current.version());
		written.computeIfAbsent(current.signature(), signature -> new LinkedHashMap<>())
			.computeIfAbsent(collection, c -> new LinkedHashSet<>()).add(id);
	}

	public void set(String collection, String id, String field, boolean value) {
		set(collection, id, field, BsonBoolean.valueOf(value));
	}

	/**
	 * The instruction behind the current event closed the account: its document is marked orphaned with reason
	 * {@code closed} as of the event, so a later event (the address created again) takes the mark away.
	 */
	public void closed(String collection, String id, long unixTimestamp) {
		set(collection, id, ReadModelStore.ORPHANED, true);
		set(collection, id, ReadModelStore.ORPHAN_REASON, new BsonString(ReadModelStore.CLOSED));
		set(collection, id, ReadModelStore.ORPHANED_AT, new BsonDateTime(unixTimestamp * 1000));
	}

	/** The counter or history named needs a recount for this key. */
	public void touch(String counter, String key) {
		touchedCounters.computeIfAbsent(counter, c -> new LinkedHashSet<>()).add(key);
	}

	public ReadModelChanges changes() {
		return changes;
	}

	/** The documents the events of transaction {@code signature} set fields of, by collection. */
	public Map<String, Set<String>> writtenBy(String signature) {
		return written.getOrDefault(signature, Map.of());
	}

	public Map<String, Set<String>> touchedCounters() {
		return touchedCounters;
	}
}
