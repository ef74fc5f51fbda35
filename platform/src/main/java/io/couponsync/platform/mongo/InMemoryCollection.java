package io.couponsync.platform.mongo;

import java.util.Set;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * A collection of the in-memory backend: the stock one, answering sorted queries with a limit in an index's order
 * and sorting others with each document's sort values looked up once ({@link SortKeys}), counting the queries it
 * answers by reading everything ({@link CollectionScans}), keeping no data size, and updating
 * documents through the fields an update can touch ({@link UpdatedFields}). As in the stock collection, an update
 * changes the stored document itself.
 */
final class InMemoryCollection extends MemoryCollection {

	private final CollectionScans scans;

	/** While an update runs under the collection's lock: the fields its matched documents are sliced to. */
	private Set<String> slicedTo;

	InMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors,
			CollectionScans scans) {
		super(database, name, options, cursors);
		this.scans = scans;
	}

	@Override
	public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
			boolean multi, boolean upsert, Oplog oplog) {
		slicedTo = UpdatedFields.of(selector, update, getIndexes());
		try {
			return super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
		}
		finally {
			slicedTo = null;
		}
	}

	@Override
	protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
			Document fieldSelector) {
		QueryResult found = IndexOrder.query(getIndexes(), query, orderBy, limit, this::getDocument,
				inOrder -> matchDocumentsFromStream(query, inOrder, skip, limit, batchSize, null, fieldSelector),
				() -> super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector));
		return slicedTo == null ? found : UpdatedFields.slices(found, slicedTo);
	}

	@Override
	protected void handleUpdate(Integer position, Document sliceBefore, Document sliceAfter) {
		if (slicedTo != null) {
			UpdatedFields.mergeInto(getDocument(position), sliceBefore, sliceAfter);
		}
	}

	@Override
	protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
			Document fieldSelector) {
		scans.record(getCollectionName(), query);
		return super.matchDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
	}

	/** Sorted with each document's sort values looked up once ({@link SortKeys}). */
	@Override
	protected QueryResult matchDocumentsFromStream(Stream<Document> documents, Document query, Document orderBy,
			int skip, int limit, int batchSize, Document fieldSelector) {
		return SortKeys.match(documents, query, orderBy, this::documentMatchesQuery,
				sorted -> matchDocumentsFromStream(new Document(), sorted, skip, limit, batchSize, null, fieldSelector),
				() -> super.matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, fieldSelector));
	}

	/** Under the collection's lock, as every other query: see {@link EmbeddedBackends}. */
	@Override
	public synchronized int count(Document query, int skip, int limit) {
		return super.count(query, skip, limit);
	}

	@Override
	protected boolean tracksDataSize() {
		return false;
	}
}
