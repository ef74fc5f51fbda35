package io.couponsync.platform.mongo;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A query sorted by one field with a limit ({@code find(...).sort({slot: -1}).limit(1)}: the newest slot of a status)
 * read in the order of an index led by that field, as MongoDB's planner does, until the limit is met. The embedded
 * server alone reads every candidate and sorts them all: for staging's newest slots, the whole of staging at every
 * refresh of the console and the pipeline gauges.
 */
final class IndexOrder {

	private IndexOrder() {
	}

	/**
	 * The answer to a collection's query: its documents read in {@code orderBy}'s order and matched in that order
	 * ({@code matchInOrder}, which applies skip, limit and projection) when an index gives that order, else the
	 * collection's own answer ({@code otherwise}).
	 */
	static <P> QueryResult query(List<Index<P>> indexes, Document query, Document orderBy, int limit,
			Function<P, Document> document, Function<Stream<Document>, QueryResult> matchInOrder,
			Supplier<QueryResult> otherwise) {
		Iterator<P> ordered = positions(indexes, query, orderBy, limit);
		return ordered == null ? otherwise.get() : matchInOrder.apply(documents(ordered, document));
	}

	/**
	 * The positions to read in {@code orderBy}'s order; null when the query is better answered as before: it has no
	 * limit, or is sorted otherwise than by one field, or an index narrows it (its candidates are few to sort), or
	 * no {@link LeadingFieldIndex} led by the field holds every document in sort order.
	 */
	private static <P> Iterator<P> positions(List<Index<P>> indexes, Document query, Document orderBy, int limit) {
		if (limit <= 0 || orderBy == null || orderBy.size() != 1) {
			return null;
		}
		Map.Entry<String, Object> sort = orderBy.entrySet().iterator().next();
		if (!(sort.getValue() instanceof Number direction) || Math.abs(direction.doubleValue()) != 1) {
			return null;
		}
		LeadingFieldIndex<P> ordering = null;
		for (Index<P> index : indexes) {
			if (index.canHandle(query)) {
				return null;
			}
			if (index instanceof LeadingFieldIndex<P> leading && leading.field().equals(sort.getKey())
					&& leading.ordersAll()) {
				ordering = leading;
			}
		}
		return ordering == null ? null : ordering.positionsInOrder(direction.doubleValue() > 0);
	}

	/** The documents at those positions, read as the stream is; one removed meanwhile is left out. */
	private static <P> Stream<Document> documents(Iterator<P> positions, Function<P, Document> document) {
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(positions, Spliterator.ORDERED), false)
			.map(document).filter(Objects::nonNull);
	}
}
