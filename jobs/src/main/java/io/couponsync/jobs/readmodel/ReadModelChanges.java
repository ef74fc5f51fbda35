package io.couponsync.jobs.readmodel;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.BsonValue;

/**
 * The field values a chunk of events sets, folded per document: for every field only the value of the latest
 * change (by {@link ChangeVersion}) is kept, so the chunk's order of application does not matter.
 */
public final class ReadModelChanges {

	/** One field's value and the version of the change that set it. */
	public record FieldChange(BsonValue value, ChangeVersion version) {
	}

	/** A read-model document: its collection and key (an account address, or a derived key where noted). */
	public record DocumentKey(String collection, String id) {
	}

	private final Map<DocumentKey, Map<String, FieldChange>> documents = new LinkedHashMap<>();

	public void set(String collection, String id, String field, BsonValue value, ChangeVersion version) {
		documents.computeIfAbsent(new DocumentKey(collection, id), k -> new LinkedHashMap<>())
			.merge(field, new FieldChange(value, version), (current, next) -> next.version().compareTo(current.version()) >= 0
					? next : current);
	}

	public Map<DocumentKey, Map<String, FieldChange>> documents() {
		return documents;
	}

	public boolean isEmpty() {
		return documents.isEmpty();
	}
}
