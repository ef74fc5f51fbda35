package io.couponsync.platform.mongo;

import java.util.List;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.springframework.util.unit.DataSize;

/**
 * The embedded server's backends (in memory, or an H2 file), with {@link IdConditionIndex} as their _id index,
 * {@link LeadingFieldIndex} for the other indexes, which the server alone would ignore, and sorted queries with a
 * limit read in an index's order ({@link IndexOrder}). The count command is served under the collection's lock too,
 * as every other query is: an index answers whether it can serve a query and then which documents, and a change in
 * between (the server alone leaves count unlocked) could make the two answers disagree.
 * <p>
 * Both backends' updates hand the server only the fields an update can touch of each document it matches
 * ({@link UpdatedFields}): {@link InMemoryCollection} merges the server's changes into the stored document, as the
 * stock collection changes it in place; the file backend's {@link FileCollection} into a copy that replaces it.
 * <p>
 * The file backend's unique indexes are {@link FileUniqueIndex}es, which keep, write and compare a key of one ASCII
 * string as that string, and it stores documents as BSON ({@link FileDocumentType}). The stock backend
 * Java-serializes both.
 * <p>
 * Neither backend keeps a collection's data size: the server measures it by BSON-encoding the whole document on every
 * insert and the old and new document on every update (a fifth of its time under the apply job, staging's raw logs
 * included), and the figure serves only {@code collStats}, which then reports 0 in memory
 * and, for an H2 file, the figure last saved in it.
 */
final class EmbeddedBackends {

	private static final Log logger = LogFactory.getLog(EmbeddedBackends.class);

	private EmbeddedBackends() {
	}

	/** In memory; every query answered by reading a whole collection is counted in {@code scans}. */
	static MongoBackend inMemory(CollectionScans scans) {
		return new MemoryBackend() {
			@Override
			public MemoryDatabase openOrCreateDatabase(String databaseName) {
				CursorRegistry cursors = getCursorRegistry();
				return new MemoryDatabase(databaseName, cursors) {
					@Override
					protected MemoryCollection openOrCreateCollection(String collectionName,
							CollectionOptions options) {
						return new InMemoryCollection(this, collectionName, options, cursors, scans);
					}

					@Override
					protected Index<Integer> openOrCreateUniqueIndex(String collectionName, String indexName,
							List<IndexKey> keys, boolean sparse) {
						return withIdConditions(super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse));
					}

					@Override
					protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName,
							List<IndexKey> keys, boolean sparse) {
						return LeadingFieldIndex.supports(keys) ? new LeadingFieldIndex<>(indexName, keys, sparse)
								: super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
					}
				};
			}
		};
	}

	/** In an H2 file, keeping up to {@code cache} of its pages decoded in memory. */
	static MongoBackend inFile(String fileName, DataSize cache) {
		MVStore file = new MVStore.Builder().fileName(fileName)
			.cacheSize((int) Math.max(1, cache.toMegabytes()))
			// why: H2 otherwise keeps a failed background write to itself, closing the store with nothing logged
			.backgroundExceptionHandler((thread, failure) -> logger.error("The embedded MongoDB file " + fileName
					+ " failed to write in the background (" + thread.getName() + ")", failure))
			.open();
		return new H2Backend(file) {
			@Override
			protected H2Database openOrCreateDatabase(String databaseName) {
				MVStore store = getMvStore();
				CursorRegistry cursors = getCursorRegistry();
				return new H2Database(databaseName, store, cursors) {
					@Override
					protected MongoCollection<Object> openOrCreateCollection(String collectionName,
							CollectionOptions options) {
						String namespace = getFullCollectionNamespace(collectionName);
						return new FileCollection(this, collectionName, options,
								store.openMap("databases." + namespace,
										new MVMap.Builder<Object, Document>().valueType(new FileDocumentType())),
								store.openMap("meta." + namespace), cursors);
					}

					@Override
					protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
							List<IndexKey> keys, boolean sparse) {
						String mapName = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
						return withIdConditions(FileUniqueIndex.open(store, mapName, indexName, keys, sparse));
					}

					@Override
					protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName,
							List<IndexKey> keys, boolean sparse) {
						// why: held in memory, so filled again from the file's documents whenever it is opened
						return LeadingFieldIndex.supports(keys) ? new LeadingFieldIndex<>(indexName, keys, sparse)
								: super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
					}
				};
			}
		};
	}

	private static <P> Index<P> withIdConditions(Index<P> index) {
		return IdConditionIndex.isIdIndex(index.getKeys()) ? new IdConditionIndex<>(index) : index;
	}
}
