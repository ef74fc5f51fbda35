package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Resolves the {@link EventReference}s of a chunk's events before they are logged: from the latest earlier source
 * event of the same chunk, else from the document of the account the source event created (one {@code _id} lookup
 * per collection — the document holds what that event wrote, or what an account read found). A transaction with a
 * required reference not found — its source event staged late by the crawler, or waiting to be fetched again after
 * a fork — is held back whole, and applied by a later run.
 */
public final class EventReferences {

	/** The events ready to apply, with their references, and the transactions held back (signature → reason). */
	public record Resolved(List<ChainEvent> events, Map<String, String> waiting) {
	}

	private record Source(String event, String subject) {
	}

	private final ReadModelStore store;

	private final Map<String, List<EventReference>> byEvent = new HashMap<>();

	public EventReferences(ReadModelStore store, List<EventReference> references) {
		this.store = store;
		references.forEach(reference -> byEvent.computeIfAbsent(reference.event(), e -> new ArrayList<>())
			.add(reference));
	}

	/**
	 * The transactions among these whose events lack a field a reference is looked up by (or hold it as other than
	 * text), each with the reason: {@link #resolve} cannot take them, and the apply job dead-letters them.
	 */
	public Map<String, List<String>> unresolvable(List<ChainEvent> events) {
		Map<String, List<String>> reasons = new LinkedHashMap<>();
		for (ChainEvent event : events) {
			for (EventReference reference : byEvent.getOrDefault(event.name(), List.of())) {
				BsonValue key = event.data().get(reference.keyField());
				if ((key == null || !key.isString()) && !reasons.containsKey(event.signature())) {
					reasons.put(event.signature(), List.of("event " + event.index() + ", " + event.name()
							+ ", cannot be projected: its field " + reference.keyField() + ", which looks up "
							+ reference.sourceEvent() + ", is " + (key == null ? "missing" : "a " + key.getBsonType())));
				}
			}
		}
		return reasons;
	}

	/** @param events a chunk's events in chain order, none of them {@link #unresolvable} */
	public Resolved resolve(List<ChainEvent> events) {
		Map<Source, List<ChainEvent>> inChunk = new HashMap<>();
		Set<String> sourceEvents = new LinkedHashSet<>();
		byEvent.values().forEach(references -> references.forEach(reference -> sourceEvents.add(reference.sourceEvent())));
		Map<String, Set<String>> fromStore = new LinkedHashMap<>();
		for (ChainEvent event : events) {
			for (EventReference reference : byEvent.getOrDefault(event.name(), List.of())) {
				Source source = new Source(reference.sourceEvent(), event.text(reference.keyField()));
				if (!inChunk.containsKey(source)) {
					fromStore.computeIfAbsent(source.event(), e -> new LinkedHashSet<>()).add(source.subject());
				}
			}
			if (sourceEvents.contains(event.name()) && event.subject() != null) {
				inChunk.computeIfAbsent(new Source(event.name(), event.subject()), s -> new ArrayList<>()).add(event);
			}
		}
		Map<Source, BsonDocument> stored = new HashMap<>();
		fromStore.forEach((sourceEvent, subjects) -> store
			.read(Projections.COLLECTION_OF_CREATION.get(sourceEvent), subjects)
			.forEach((subject, document) -> stored.put(new Source(sourceEvent, subject), document)));

		Map<String, String> waiting = new LinkedHashMap<>();
		Map<String, Set<String>> dependsOn = new HashMap<>();
		List<ChainEvent> resolved = new ArrayList<>(events.size());
		for (ChainEvent event : events) {
			List<EventReference> references = byEvent.getOrDefault(event.name(), List.of());
			if (references.isEmpty()) {
				resolved.add(event);
				continue;
			}
			BsonDocument refs = new BsonDocument();
			for (EventReference reference : references) {
				Source source = new Source(reference.sourceEvent(), event.text(reference.keyField()));
				// why: the latest one before the event — an account a closure freed can be created again
				ChainEvent earlier = latestBefore(inChunk.get(source), event);
				BsonDocument data = null;
				if (earlier != null) {
					data = earlier.data();
					dependsOn.computeIfAbsent(earlier.signature(), s -> new LinkedHashSet<>()).add(event.signature());
				}
				else {
					data = stored.get(source);
				}
				BsonValue value = data == null ? null : data.get(reference.sourceField());
				if (value != null) {
					refs.put(reference.name(), value);
				}
				else if (reference.required()) {
					waiting.putIfAbsent(event.signature(), source.event() + " of " + source.subject());
				}
			}
			resolved.add(event.withRefs(refs));
		}
		holdBackDependents(waiting, dependsOn);
		resolved.removeIf(event -> waiting.containsKey(event.signature()));
		return new Resolved(resolved, waiting);
	}

	/** The last of {@code candidates} (in chain order) that comes before {@code event}, or null. */
	private static ChainEvent latestBefore(List<ChainEvent> candidates, ChainEvent event) {
		ChainEvent latest = null;
		if (candidates != null) {
			for (ChainEvent candidate : candidates) {
				if (candidate.version().compareTo(event.version()) < 0
						&& (latest == null || candidate.version().compareTo(latest.version()) > 0)) {
					latest = candidate;
				}
			}
		}
		return latest;
	}

	/** A transaction whose reference came from a held-back transaction of the chunk waits with it. */
	private static void holdBackDependents(Map<String, String> waiting, Map<String, Set<String>> dependsOn) {
		List<String> pending = new ArrayList<>(waiting.keySet());
		while (!pending.isEmpty()) {
			String held = pending.remove(pending.size() - 1);
			for (String dependent : dependsOn.getOrDefault(held, Set.of())) {
				if (waiting.putIfAbsent(dependent, "an earlier transaction of its chunk, " + held + ", waits") == null) {
					pending.add(dependent);
				}
			}
		}
	}
}
