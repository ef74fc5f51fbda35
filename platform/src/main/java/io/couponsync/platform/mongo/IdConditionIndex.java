package io.couponsync.platform.mongo;

import java.util.List;
import java.util.Objects;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;

/**
 * The embedded server's {@code _id} index, also answering queries that combine a condition on {@code _id} (a value
 * or {@code $in}) with conditions on other fields, as a real MongoDB's planner does: the index gives the candidates
 * by {@code _id} and the collection matches the whole query against them. Without it mongo-java-server uses an
 * index only when the query's keys are exactly the index's, and scans the whole collection for every guarded update
 * ({@code {_id: {$in: [...]}, status: "received"}}), which makes a long history's every chunk slower.
 */
final class IdConditionIndex<P> extends Index<P> {

	private static final String ID = "_id";

	private final Index<P> idIndex;

	IdConditionIndex(Index<P> idIndex) {
		super(idIndex.getName(), idIndex.getKeys(), false);
		this.idIndex = idIndex;
	}

	static boolean isIdIndex(List<de.bwaldvogel.mongo.backend.IndexKey> keys) {
		return keys.size() == 1 && ID.equals(keys.get(0).getKey());
	}

	@Override
	public boolean canHandle(Document query) {
		Document idCondition = idCondition(query);
		return idCondition != null && idIndex.canHandle(idCondition);
	}

	@Override
	public Iterable<P> getPositions(Document query) {
		return idIndex.getPositions(idCondition(query));
	}

	/**
	 * The query's condition on {@code _id} alone, found at its top level or in a top-level {@code $and}; null when
	 * it has none. Every document the query matches satisfies it, so its positions are a superset of the answer.
	 */
	static Document idCondition(Document query) {
		if (query.containsKey(ID)) {
			return query.size() == 1 ? query : new Document(ID, query.get(ID));
		}
		if (query.get("$and") instanceof List<?> conjunction) {
			for (Object term : conjunction) {
				if (term instanceof Document document) {
					Document condition = idCondition(document);
					if (condition != null) {
						return condition;
					}
				}
			}
		}
		return null;
	}

	@Override
	public P getPosition(Document document) {
		return idIndex.getPosition(document);
	}

	@Override
	public void checkAdd(Document document, MongoCollection<P> collection) {
		idIndex.checkAdd(document, collection);
	}

	@Override
	public void add(Document document, P position, MongoCollection<P> collection) {
		idIndex.add(document, position, collection);
	}

	@Override
	public P remove(Document document) {
		return idIndex.remove(document);
	}

	@Override
	public long getCount() {
		return idIndex.getCount();
	}

	@Override
	public long getDataSize() {
		return idIndex.getDataSize();
	}

	@Override
	public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
		if (!sameId(oldDocument, newDocument)) {
			idIndex.checkUpdate(oldDocument, newDocument, collection);
		}
	}

	@Override
	public void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection)
			throws KeyConstraintError {
		if (!sameId(oldDocument, newDocument)) {
			idIndex.updateInPlace(oldDocument, newDocument, position, collection);
		}
	}

	/**
	 * Whether an update left {@code _id} as it was (MongoDB refuses to change it, so nearly always): the index then
	 * has nothing to check or move, which the server's index finds out only by computing both documents' keys.
	 */
	private static boolean sameId(Document oldDocument, Document newDocument) {
		return oldDocument.containsKey(ID) && Objects.equals(oldDocument.get(ID), newDocument.get(ID));
	}

	@Override
	public void drop() {
		idIndex.drop();
	}

	@Override
	public boolean isUnique() {
		return idIndex.isUnique();
	}

	@Override
	public boolean hasSameOptions(Index<?> other) {
		return idIndex.hasSameOptions(other instanceof IdConditionIndex<?> wrapped ? wrapped.idIndex : other);
	}

	@Override
	public String toString() {
		return idIndex.toString();
	}
}
