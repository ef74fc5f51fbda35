package io.couponsync.platform.mongo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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
 * field and answers a query that sets that field to a value, or to one of an {@code $in} list, or bounds it by
 * numbers ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}), at the query's top level or in a top-level
 * {@code $and}, with the documents that may match; the collection then matches the whole query against them and
 * sorts as after a scan, so the answer is the scan's. That is the part of a real MongoDB's index use the platform's
 * queries need: staging's readers ({@code status: "received"}, {@code commitment: "confirmed"}) look at the backlog
 * and the incremental reconciliation ({@code lastSlot} past its last run) at what changed since, not at the whole
 * history. Only top-level leading fields are indexed; an index led by a dotted path stays ignored, as before.
 */
final class LeadingFieldIndex<P> extends Index<P> {

	private static final String ID = "_id";

	private final String field;

	/**
	 * Normalized value of the leading field → the documents holding it, by normalized {@code _id} (what a removal
	 * is given) → position. A sparse index leaves out the documents without the field, as MongoDB's does.
	 */
	private final Map<Object, Map<Object, P>> documentsByValue = new HashMap<>();

	/** The numeric keys of {@link #documentsByValue} in order (the same document maps), for ranges. */
	private final NavigableMap<Number, Map<Object, P>> documentsByNumber = new TreeMap<>(LeadingFieldIndex::compare);

	private long count;

	/**
	 * Documents holding an array in the field, or a number of another type than int, long and double. A range's
	 * operators may each match another element of an array ({@code {$gt: 5, $lt: 3}} matches {@code [1, 10]}), which
	 * no key range expresses, and a decimal's key is rounded: while any is held, ranges are left to a scan.
	 */
	private long unranged;

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
		Collection<Map<Object, P>> candidates = candidates(query);
		if (candidates == null) {
			return false;
		}
		long held = 0;
		for (Map<Object, P> documents : candidates) {
			held += documents.size();
		}
		return isSparse() || held * 2 <= count;
	}

	@Override
	public synchronized Iterable<P> getPositions(Document query) {
		Set<P> positions = new LinkedHashSet<>();
		for (Map<Object, P> documents : candidates(query)) {
			positions.addAll(documents.values());
		}
		List<P> ordered = new ArrayList<>(positions);
		inScanOrder(ordered);
		return ordered;
	}

	/** The index's leading field. */
	String field() {
		return field;
	}

	/**
	 * Whether walking the index in order visits every document in the order MongoDB sorts them by the field: all
	 * hold a plain int, long or double, none NaN (MongoDB sorts NaN first, this index last). A sparse index leaves
	 * out the documents without the field, which a sort puts first.
	 */
	synchronized boolean ordersAll() {
		return !isSparse() && unranged == 0 && documentsByNumber.size() == documentsByValue.size()
				&& !documentsByNumber.containsKey(Double.NaN);
	}

	/**
	 * The positions by the field's value, ascending or descending, and within a value in position order (the order a
	 * scan gives them and a stable sort keeps). Read lazily: the caller walks it under the collection's lock, which
	 * every change of the index also holds.
	 */
	synchronized Iterator<P> positionsInOrder(boolean ascending) {
		Iterator<Map<Object, P>> byValue = (ascending ? documentsByNumber : documentsByNumber.descendingMap()).values()
			.iterator();
		return new Iterator<>() {

			private Iterator<P> current = Collections.emptyIterator();

			@Override
			public boolean hasNext() {
				while (!current.hasNext() && byValue.hasNext()) {
					List<P> positions = new ArrayList<>(byValue.next().values());
					inScanOrder(positions);
					current = positions.iterator();
				}
				return current.hasNext();
			}

			@Override
			public P next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return current.next();
			}
		};
	}

	/**
	 * Sorts positions into the order a scan returns them: the in-memory backend scans by position, the file backend
	 * by key. Keys of several types (a string and an ObjectId as {@code _id}) do not compare, and stay as they are.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static <P> void inScanOrder(List<P> positions) {
		if (!positions.isEmpty() && positions.get(0) instanceof Comparable
				&& positions.stream().allMatch(position -> position.getClass() == positions.get(0).getClass())) {
			((List<Comparable>) positions).sort(null);
		}
	}

	/**
	 * The documents (by value held) among which are all the query matches; null when the query neither sets the
	 * leading field to plain values nor bounds it by numbers, or bounds it while some document holds an array.
	 */
	private Collection<Map<Object, P>> candidates(Document query) {
		List<Object> values = queriedValues(query);
		if (values != null) {
			List<Map<Object, P>> held = new ArrayList<>(values.size());
			for (Object value : values) {
				Map<Object, P> documents = documentsByValue.get(value);
				if (documents != null) {
					held.add(documents);
				}
			}
			return held;
		}
		NumberRange range = unranged == 0 ? queriedRange(query, NumberRange.ALL) : null;
		if (range == null || range == NumberRange.ALL) {
			return null;
		}
		List<Map<Object, P>> held = new ArrayList<>(range.select(documentsByNumber).values());
		// why: NaN sorts above every number here, so only an unbounded top selects it; whatever MongoDB's ranges make
		// of it, the collection's match decides
		Map<Object, P> notANumber = documentsByNumber.get(Double.NaN);
		if (notANumber != null && range.upper() != null) {
			held.add(notANumber);
		}
		return held;
	}

	/**
	 * {@code within} narrowed by the numeric bounds the query puts on the leading field, at its top level and in
	 * each term of a top-level {@code $and} (a match meets them all); null when a bound is not a plain number.
	 */
	private NumberRange queriedRange(Document query, NumberRange within) {
		NumberRange range = within;
		if (query.get(field) instanceof Document operators) {
			range = range.narrowedBy(operators);
			if (range == null) {
				return null;
			}
		}
		if (query.get("$and") instanceof List<?> terms) {
			for (Object term : terms) {
				if (term instanceof Document document) {
					range = queriedRange(document, range);
					if (range == null) {
						return null;
					}
				}
			}
		}
		return range;
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
		return value instanceof Number number ? normalizedNumber(number) : value;
	}

	private static Number normalizedNumber(Number number) {
		return Utils.normalizeNumber(number);
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

	private boolean unranged(Document document) {
		Object value = document.get(field);
		return value instanceof Collection<?> || value instanceof Number && !isRangeable(value);
	}

	private static boolean isRangeable(Object value) {
		return value instanceof Integer || value instanceof Long || value instanceof Double;
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
		for (Object value : values) {
			Map<Object, P> documents = documentsByValue.computeIfAbsent(value, v -> new HashMap<>());
			if (documents.isEmpty() && value instanceof Number number) {
				documentsByNumber.put(number, documents);
			}
			documents.put(id, position);
		}
		if (unranged(document)) {
			unranged++;
		}
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
					if (value instanceof Number number) {
						documentsByNumber.remove(number);
					}
				}
			}
		}
		if (removed != null) {
			count--;
			if (unranged(document)) {
				unranged--;
			}
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
		// why: most updates leave an index's field alone (staging's moves touch one of its seven indexes)
		if (sameEntry(oldDocument, newDocument)) {
			return;
		}
		remove(oldDocument);
		add(newDocument, position, collection);
	}

	private boolean sameEntry(Document oldDocument, Document newDocument) {
		return oldDocument.containsKey(field) == newDocument.containsKey(field)
				&& Objects.equals(oldDocument.get(field), newDocument.get(field))
				&& Objects.equals(oldDocument.get(ID), newDocument.get(ID));
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
		documentsByNumber.clear();
		count = 0;
		unranged = 0;
	}

	/** Numbers by value whatever their type, as MongoDB compares them (NaN last here, see {@link #candidates}). */
	private static int compare(Number a, Number b) {
		int byDouble = Double.compare(a.doubleValue(), b.doubleValue());
		if (byDouble != 0 || a instanceof Double || b instanceof Double) {
			return byDouble;
		}
		return Long.compare(a.longValue(), b.longValue());
	}

	/** Bounds on a number; a null bound is none. */
	private record NumberRange(Number lower, boolean lowerInclusive, Number upper, boolean upperInclusive) {

		static final NumberRange ALL = new NumberRange(null, false, null, false);

		/** This range within the operators' bounds; null when one of them bounds by something else than a number. */
		NumberRange narrowedBy(Document operators) {
			NumberRange range = this;
			for (Map.Entry<String, Object> operator : operators.entrySet()) {
				boolean lowerBound = operator.getKey().equals("$gt") || operator.getKey().equals("$gte");
				boolean upperBound = operator.getKey().equals("$lt") || operator.getKey().equals("$lte");
				if (!lowerBound && !upperBound) {
					continue;
				}
				if (!isRangeable(operator.getValue()) || Double.isNaN(((Number) operator.getValue()).doubleValue())) {
					return null;
				}
				Number bound = (Number) operator.getValue();
				Number value = normalizedNumber(bound);
				boolean inclusive = operator.getKey().endsWith("e");
				range = lowerBound ? range.withLower(value, inclusive) : range.withUpper(value, inclusive);
			}
			return range;
		}

		private NumberRange withLower(Number value, boolean inclusive) {
			int order = lower == null ? 1 : compare(value, lower);
			if (order > 0 || order == 0 && !inclusive) {
				return new NumberRange(value, inclusive, upper, upperInclusive);
			}
			return this;
		}

		private NumberRange withUpper(Number value, boolean inclusive) {
			int order = upper == null ? -1 : compare(value, upper);
			if (order < 0 || order == 0 && !inclusive) {
				return new NumberRange(lower, lowerInclusive, value, inclusive);
			}
			return this;
		}

		<V> NavigableMap<Number, V> select(NavigableMap<Number, V> byNumber) {
			if (lower != null && upper != null) {
				int order = compare(lower, upper);
				if (order > 0 || order == 0 && !(lowerInclusive && upperInclusive)) {
					return Collections.emptyNavigableMap();
				}
				return byNumber.subMap(lower, lowerInclusive, upper, upperInclusive);
			}
			if (lower != null) {
				return byNumber.tailMap(lower, lowerInclusive);
			}
			return upper != null ? byNumber.headMap(upper, upperInclusive) : byNumber;
		}
	}
}
