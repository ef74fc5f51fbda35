package io.couponsync.platform.mongo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The top-level fields an update command can read or change in a document it matches: {@code _id}, its filter's, its
 * operators' and every index's. The server works on the whole of each document it updates: it copies it deeply twice
 * and compares old and new whole, so a one-field change to a staged transaction copies its raw logs three times. The
 * collections hand the server only these fields of each matched document ({@link #slice}) and merge what it changed
 * back into the stored one ({@link #mergeInto}). The server's own code still applies every operator, checks and
 * updates the indexes and counts what it modified: the other fields could change none of that.
 * <p>
 * Only operator updates with a plain filter are sliced. A replacement, or a filter with an operator that can read
 * any field ({@code $expr}, {@code $where}, ...), returns null from {@link #of} and the server sees whole documents.
 */
final class UpdatedFields {

	private static final Set<String> COMBINING_OPERATORS = Set.of("$and", "$or", "$nor");

	private UpdatedFields() {
	}

	/** The fields to slice matched documents to, or null when this update must see whole documents. */
	static Set<String> of(Document filter, Document update, Collection<? extends Index<?>> indexes) {
		// why: without an _id index the server finds a document's position by comparing whole documents
		if (indexes.stream().noneMatch(index -> IdConditionIndex.isIdIndex(index.getKeys()))) {
			return null;
		}
		Set<String> fields = new HashSet<>();
		fields.add("_id");
		if (!addFilterFields(filter, fields)) {
			return null;
		}
		for (Map.Entry<String, Object> operator : update.entrySet()) {
			if (!operator.getKey().startsWith("$") || !(operator.getValue() instanceof Document changes)) {
				return null;
			}
			for (Map.Entry<String, Object> change : changes.entrySet()) {
				fields.add(topLevel(change.getKey()));
				if (operator.getKey().equals("$rename")) {
					if (!(change.getValue() instanceof String target)) {
						return null;
					}
					fields.add(topLevel(target));
				}
			}
		}
		for (Index<?> index : indexes) {
			for (IndexKey key : index.getKeys()) {
				fields.add(topLevel(key.getKey()));
			}
		}
		return fields;
	}

	private static boolean addFilterFields(Document filter, Set<String> fields) {
		for (Map.Entry<String, Object> condition : filter.entrySet()) {
			String key = condition.getKey();
			if (!key.startsWith("$")) {
				fields.add(topLevel(key));
			}
			else if (!COMBINING_OPERATORS.contains(key) || !(condition.getValue() instanceof List<?> clauses)
					|| !clauses.stream().allMatch(clause -> clause instanceof Document)
					|| !clauses.stream().allMatch(clause -> addFilterFields((Document) clause, fields))) {
				return false;
			}
		}
		return true;
	}

	private static String topLevel(String path) {
		int dot = path.indexOf('.');
		return dot < 0 ? path : path.substring(0, dot);
	}

	/** A new document of the stored one's {@code fields}, in its order, values shared. */
	static Document slice(Document stored, Set<String> fields) {
		Document slice = new Document();
		for (Map.Entry<String, Object> field : stored.entrySet()) {
			if (fields.contains(field.getKey())) {
				slice.put(field.getKey(), field.getValue());
			}
		}
		return slice;
	}

	/** The found documents, each sliced to {@code fields}. */
	static QueryResult slices(QueryResult found, Set<String> fields) {
		List<Document> slices = new ArrayList<>();
		found.forEach(document -> slices.add(slice(document, fields)));
		return new QueryResult(slices);
	}

	/**
	 * Changes {@code stored} as the server changes a whole document it updated: the fields the update removed go,
	 * every field of the updated slice is put (a field already there keeps its place, a new one comes last).
	 */
	static void mergeInto(Document stored, Document sliceBefore, Document sliceAfter) {
		for (String field : sliceBefore.keySet()) {
			if (!sliceAfter.containsKey(field)) {
				stored.remove(field);
			}
		}
		sliceAfter.forEach(stored::put);
	}
}
