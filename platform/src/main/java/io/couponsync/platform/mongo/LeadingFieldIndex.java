package io.couponsync.platform.mongo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * A secondary (non-unique) index for the embedded server, which on its own ignores every index but the unique ones
 * and scans the whole collection for any other query. It holds the documents by the value of the index's leading
 * field and answers a query that sets that field to a value, or to one of an {@code $in} list (at the query's top
 * level or in a top-level {@code $and}), with the documents holding one of those values; the collection then matches
 * the whole query against them and sorts as after a scan, so the answer is the scan's. That is the part of a real
 * MongoDB's index use the platform's queries need: staging's readers ({@code status: "received"}, {@code commitment:
 * "confirmed"}) look at the backlog, not at the whole history. Only top-level leading fields are indexed; an index
 * led by a dotted path stays ignored, as before.
 */
final class LeadingFieldIndex<P> extends Index<P> {

	private static final String ID = "_id";

	private final String field;

	/**
	 * Normalized value of the leading field → the documents holding it, by normalized {@code _id} (what a removal
	 * is given) → position. A sparse index leaves out the documents without the field, as MongoDB's does.
	 */
	private final Map<Object, Map<Object, P>> documentsByValue = new HashMap<>();

	private long count;

	LeadingFieldIndex(String name, List<IndexKey> keys, boolean sparse) {
		super(name, keys, sparse);
		this.field = keys.get(0).getKey();
	}

	/** Whether an index of these keys can be served: its leading field is a top-level one. */
	static boolean supports(List<IndexKey> keys) {
		return !keys.isEmpty() && !keys.get(0).getKey().contains(".");
	}

	/**
	 * Whether the query sets the leading field to plain values and, as a planner would judge, the index narrows it:
	 * for values most documents hold (say, every applied transaction) reading the collection in order costs less
	 * than fetching each candidate by position. A sparse index, of flags few documents carry, always narrows.
	 */
	@Override
	public synchronized boolean canHandle(Document query) {
		List<Object> values = queriedValues(query);
		if (values == null) {
			return false;
		}
		long candidates = 0;
		for (Object value : values) {
			candidates += documentsByValue.getOrDefault(value, Map.of()).size();
		}
		return isSparse() || candidates * 2 <= count;
	}

	@Override
	public synchronized Iterable<P> getPositions(Document query) {
		List<Object> values = queriedValues(query);
		Set<P> positions = new LinkedHashSet<>();
		for (Object value : values) {
			positions.addAll(documentsByValue.getOrDefault(value, Map.of()).values());
		}
		List<P> ordered = new ArrayList<>(positions);
		// why: in the order a scan returns them: the in-memory backend scans by position, the file backend by key
		if (ordered.stream().allMatch(Comparable.class::isInstance)) {
			ordered.sort(null);
		}
		return ordered;
	}

	/**
	 * The values the query allows the leading field to hold, normalized; null when it does not restrict the field
	 * to a list of plain values (a range, a regular expression, a sub-document, null or a missing field...).
	 */
	private List<Object> queriedValues(Document query) {
		if (query.containsKey(field)) {
			List<Object> values = plainValues(query.get(field));
			if (values != null) {
				return values;
			}
		}
		if (query.get("$and") instanceof List<?> terms) {
			for (Object term : terms) {
				if (term instanceof Document document) {
					List<Object> values = queriedValues(document);
					if (values != null) {
						return values;
					}
				}
			}
		}
		return null;
	}

	private static List<Object> plainValues(Object condition) {
		if (isPlain(condition)) {
			return List.of(normalized(condition));
		}
		if (condition instanceof Document operators) {
			if (isPlain(operators.get("$eq"))) {
				return List.of(normalized(operators.get("$eq")));
			}
			if (operators.get("$in") instanceof Collection<?> in && in.stream().allMatch(LeadingFieldIndex::isPlain)) {
				return in.stream().map(LeadingFieldIndex::normalized).distinct().toList();
			}
		}
		return null;
	}

	/** Values whose equality is plain equality in MongoDB's query language (not a regex, document, array or null). */
	private static boolean isPlain(Object value) {
		return value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Double
				|| value instanceof Boolean || value instanceof Date || value instanceof ObjectId
				|| value instanceof UUID;
	}

	private static Object normalized(Object value) {
		return value instanceof Number number ? Utils.normalizeNumber(number) : value;
	}

	/**
	 * The keys a document is held under: its value, or each element of an array value (a plain value matches an
	 * array holding it; queries for a whole array are not served, so the array itself is no key, but an empty one
	 * is, to hold the document). None for a document without the field in a sparse index.
	 */
	private Collection<Object> valuesOf(Document document) {
		if (!document.containsKey(field)) {
			return isSparse() ? List.of() : List.of(Missing.getInstance());
		}
		Object value = document.get(field);
		if (value == null || value instanceof Missing) {
			return List.of(Missing.getInstance());
		}
		if (value instanceof Collection<?> elements) {
			if (elements.isEmpty()) {
				return List.of(List.of());
			}
			Set<Object> values = new HashSet<>();
			elements.forEach(element -> values.add(element == null ? Missing.getInstance() : normalized(element)));
			return values;
		}
		return List.of(normalized(value));
	}

	private static Object idOf(Document document) {
		return normalized(document.get(ID));
	}

	@Override
	public P getPosition(Document document) {
		// why: the collection asks every index and expects the unique ones' answer; null means "not this one's to say"
		return null;
	}

	@Override
	public void checkAdd(Document document, MongoCollection<P> collection) {
		// not unique: nothing to refuse
	}

	@Override
	public synchronized void add(Document document, P position, MongoCollection<P> collection) {
		Collection<Object> values = valuesOf(document);
		if (values.isEmpty()) {
			return;
		}
		Object id = idOf(document);
		values.forEach(value -> documentsByValue.computeIfAbsent(value, v -> new HashMap<>()).put(id, position));
		count++;
	}

	/** Takes the document out: it is the one stored, so it holds the values it was added with. */
	@Override
	public synchronized P remove(Document document) {
		Object id = idOf(document);
		P removed = null;
		for (Object value : valuesOf(document)) {
			Map<Object, P> documents = documentsByValue.get(value);
			P position = documents == null ? null : documents.remove(id);
			if (position != null) {
				removed = position;
				if (documents.isEmpty()) {
					documentsByValue.remove(value);
				}
			}
		}
		if (removed != null) {
			count--;
		}
		return removed;
	}

	@Override
	public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
		// not unique: nothing to refuse
	}

	@Override
	public synchronized void updateInPlace(Document oldDocument, Document newDocument, P position,
			MongoCollection<P> collection) {
		remove(oldDocument);
		add(newDocument, position, collection);
	}

	@Override
	public synchronized long getCount() {
		return count;
	}

	@Override
	public long getDataSize() {
		return 0;
	}

	@Override
	public synchronized void drop() {
		documentsByValue.clear();
		count = 0;
	}
}
