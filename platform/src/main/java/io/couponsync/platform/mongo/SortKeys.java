package io.couponsync.platform.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A find's sort, with each document's sort values looked up once. The server's own comparator looks both documents'
 * values up at every comparison, splitting each field's path with a regular expression: sorting staging's backlog
 * by {@code slot, orderInSlot, _id} (the apply job's reader, once a run) spent two thirds of that query there. The
 * values and their order are the server's ({@link Utils#getSubdocumentValueCollectionAware}, {@link ValueComparator},
 * key by key), and the sort is as stable as the server's, so the answer is the same.
 */
final class SortKeys {

	private final List<String> fields;

	private final List<ValueComparator> directions;

	private SortKeys(Document orderBy) {
		this.fields = new ArrayList<>(orderBy.keySet());
		this.directions = fields.stream()
			.map(field -> ((Number) orderBy.get(field)).intValue() > 0 ? ValueComparator.asc()
					: ValueComparator.desc())
			.toList();
	}

	private static SortKeys of(Document orderBy) {
		if (orderBy == null || orderBy.isEmpty() || orderBy.keySet().iterator().next().equals("$natural")) {
			return null;
		}
		return new SortKeys(orderBy);
	}

	/**
	 * The documents that match the query, sorted by {@code orderBy} and handed on ({@code matchSorted} applies skip,
	 * limit and projection); the collection's own answer ({@code otherwise}) when there is no sort or it is the
	 * natural order.
	 */
	static QueryResult match(Stream<Document> documents, Document query, Document orderBy,
			BiPredicate<Document, Document> matches, Function<Stream<Document>, QueryResult> matchSorted,
			Supplier<QueryResult> otherwise) {
		SortKeys sort = of(orderBy);
		return sort == null ? otherwise.get()
				: matchSorted.apply(sort.sorted(documents.filter(document -> matches.test(document, query))));
	}

	private Stream<Document> sorted(Stream<Document> documents) {
		return documents.map(this::keyed).sorted(this::compare).map(Keyed::document);
	}

	private Keyed keyed(Document document) {
		Object[] values = new Object[fields.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = Utils.getSubdocumentValueCollectionAware(document, fields.get(i));
		}
		return new Keyed(values, document);
	}

	private int compare(Keyed a, Keyed b) {
		for (int i = 0; i < a.values().length; i++) {
			int order = directions.get(i).compare(a.values()[i], b.values()[i]);
			if (order != 0) {
				return order;
			}
		}
		return 0;
	}

	private record Keyed(Object[] values, Document document) {
	}
}
