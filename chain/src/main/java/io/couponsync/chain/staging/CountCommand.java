package io.couponsync.chain.staging;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Counts the documents a filter matches with MongoDB's {@code count} command. The driver's {@code countDocuments}
 * is an aggregation ({@code $match}, {@code $group}), which the embedded server answers by reading the whole
 * collection whatever its indexes; the command runs the filter as a query, through the indexes, there and on
 * MongoDB (where, given a filter, it is as exact as {@code countDocuments}).
 */
public final class CountCommand {

	private CountCommand() {
	}

	/**
	 * How many documents of the collection (in {@code database}) match the filter. An empty filter is refused:
	 * without one the command answers from metadata, which MongoDB may not keep exact; use countDocuments.
	 */
	public static long count(MongoDatabase database, MongoCollection<?> collection, Bson filter) {
		BsonDocument query = filter.toBsonDocument(collection.getDocumentClass(), collection.getCodecRegistry());
		if (query.isEmpty()) {
			throw new IllegalArgumentException("count without a filter: use countDocuments");
		}
		Document answer = database.runCommand(
				new Document("count", collection.getNamespace().getCollectionName()).append("query", query));
		return answer.get("n", Number.class).longValue();
	}
}
