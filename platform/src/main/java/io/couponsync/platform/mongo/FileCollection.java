package io.couponsync.platform.mongo;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import org.h2.mvstore.MVMap;

/**
 * A collection of the file backend: the stock one over the same maps (a test reads a file the stock backend wrote),
 * answering sorted queries with a limit in an index's order and sorting others with each document's sort values
 * looked up once ({@link SortKeys}), keeping no data size, and never letting the server change a stored document in
 * place.
 * <p>
 * The server updates a document it found by changing that object and then putting it back, while H2's background
 * writer may be writing the page that holds it: a crash before the next commit would keep it half changed. An update
 * therefore works on copies of what it finds: of the fields it can touch ({@link UpdatedFields}), merged into a copy of
 * the stored document that then replaces it, or, for a find-and-modify (it answers with the document) and an update
 * that can read any field, of the whole document's top level. A copy of the top level is enough: an update replaces
 * values, it does not change them. The lock every command takes on the collection keeps {@link #updating} and
 * {@link #slicedTo} to the update's thread.
 */
final class FileCollection extends H2Collection {

	/** While a find-and-modify or an update of whole documents runs under the collection's lock. */
	private boolean updating;

	/** While an update runs under the collection's lock: the fields its matched documents are sliced to. */
	private Set<String> slicedTo;

	FileCollection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> documents,
			MVMap<String, Object> meta, CursorRegistry cursors) {
		super(database, name, options, documents, meta, cursors);
	}

	@Override
	public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
			boolean multi, boolean upsert, Oplog oplog) {
		slicedTo = UpdatedFields.of(selector, update, getIndexes());
		updating = slicedTo == null;
		try {
			return super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
		}
		finally {
			slicedTo = null;
			updating = false;
		}
	}

	@Override
	public synchronized Document findAndModify(Document query) {
		updating = true;
		try {
			return super.findAndModify(query);
		}
		finally {
			updating = false;
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
	protected void handleUpdate(Object position, Document before, Document after) {
		if (slicedTo == null) {
			super.handleUpdate(position, before, after);
			return;
		}
		Document updated = new Document(getDocument(position));
		UpdatedFields.mergeInto(updated, before, after);
		super.handleUpdate(position, before, updated);
	}

	@Override
	protected QueryResult matchDocumentsFromStream(Document query, Stream<Document> documents, int skip, int limit,
			int batchSize, Comparator<Document> order, Document fieldSelector) {
		Stream<Document> found = updating ? documents.map(stored -> new Document(stored)) : documents;
		return super.matchDocumentsFromStream(query, found, skip, limit, batchSize, order, fieldSelector);
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
