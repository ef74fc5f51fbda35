package io.couponsync.jobs.readmodel;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.BsonValue;

/**
 * The field values a chunk of events sets, folded per document: for every field only the value of the latest
 * change (by {@link ChangeVersion}) is kept — the earliest, for a field the program sets once
 * ({@link #setEarliest}) — so the chunk's order of application does not matter.
 */
public final class ReadModelChanges {

	/**
	 * One field's value and the version of the change that set it; {@code earliestWins} for a value the program sets
	 * once (see {@link #setEarliest}).
	 */
	public record FieldChange(BsonValue value, ChangeVersion version, boolean earliestWins) {

		public FieldChange(BsonValue value, ChangeVersion version) {
			this(value, version, false);
		}
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

	/**
	 * A value the program sets once, as it creates the account (a user's join time): the earliest event's wins, here
	 * and in the store ({@link ReadModelStore}), except over a reconciliation's read.
	 */
	public void setEarliest(String collection, String id, String field, BsonValue value, ChangeVersion version) {
		documents.computeIfAbsent(new DocumentKey(collection, id), k -> new LinkedHashMap<>())
			.merge(field, new FieldChange(value, version, true), (current, next) -> next.version()
				.compareTo(current.version()) < 0 ? next : current);
	}

	public Map<DocumentKey, Map<String, FieldChange>> documents() {
		return documents;
	}

	public boolean isEmpty() {
		return documents.isEmpty();
	}
}
