package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.bson.BsonBoolean;
import org.bson.BsonValue;

/**
 * What projecting one chunk collects: field changes, keys whose counters need a recount, and lookups of earlier
 * events (e.g. the coupon of an auction) to resolve once the chunk's events are in the log.
 */
public final class ProjectionContext {

	/**
	 * Find the {@code returnField} of the event named {@code event} whose {@code matchField} is {@code value}, for
	 * an event of transaction {@code signature}.
	 */
	public record Lookup(String signature, String event, String matchField, String value, String returnField,
			Consumer<String> then) {
	}

	private final ReadModelChanges changes = new ReadModelChanges();

	private final PdaResolver pdas;

	private final Map<String, Set<String>> touchedCounters = new LinkedHashMap<>();

	private final List<Lookup> lookups = new ArrayList<>();

	private ChainEvent current;

	public ProjectionContext(PdaResolver pdas) {
		this.pdas = pdas;
	}

	/** Makes {@code event} the one whose version the following changes carry. */
	public void startEvent(ChainEvent event) {
		this.current = event;
	}

	void start(ChainEvent event) {
		startEvent(event);
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
			set(collection, id, field, current.data().get(field));
		}
	}

	public void set(String collection, String id, String field, BsonValue value) {
		changes.set(collection, id, field, value, current.version());
	}

	public void set(String collection, String id, String field, boolean value) {
		set(collection, id, field, BsonBoolean.valueOf(value));
	}

	/** The counter named (see {@link Projections#COUNTERS}) needs a recount for this key. */
	public void touch(String counter, String key) {
		touchedCounters.computeIfAbsent(counter, c -> new LinkedHashSet<>()).add(key);
	}

	public void lookup(String event, String matchField, String value, String returnField, Consumer<String> then) {
		lookups.add(new Lookup(current.signature(), event, matchField, value, returnField, then));
	}

	public ReadModelChanges changes() {
		return changes;
	}

	public Map<String, Set<String>> touchedCounters() {
		return touchedCounters;
	}

	public List<Lookup> lookups() {
		return lookups;
	}
}
