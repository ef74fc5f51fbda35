package io.couponsync.platform.mongo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import org.bson.conversions.Bson;

/**
 * One update applied to many documents named by {@code _id}, as one unordered bulk write of a statement per
 * document rather than one {@code updateMany} with {@code $in}: the same single round trip, and each statement
 * finds its one document by the {@code _id} index, where the embedded server checks every candidate of an
 * {@code $in} against the whole list (a chunk's cost growing with the square of its size).
 */
public final class UpdateEachById {

	private UpdateEachById() {
	}

	/** Applies {@code update} to each document of {@code ids}; returns how many were modified. */
	public static <T> long update(MongoCollection<T> collection, Collection<String> ids, Bson update) {
		if (ids.isEmpty()) {
			return 0;
		}
		List<WriteModel<T>> statements = new ArrayList<>(ids.size());
		for (String id : ids) {
			statements.add(new UpdateOneModel<>(Filters.eq("_id", id), update));
		}
		return collection.bulkWrite(statements, new BulkWriteOptions().ordered(false)).getModifiedCount();
	}

	/**
	 * Applies {@code update} to each document named by a key of {@code guardById} that also matches that key's guard:
	 * each statement carries only its own document's condition, so the bulk grows with the documents, not with their
	 * product with a shared condition's size.
	 */
	public static <T> long update(MongoCollection<T> collection, Map<String, ? extends Bson> guardById, Bson update) {
		if (guardById.isEmpty()) {
			return 0;
		}
		List<WriteModel<T>> statements = new ArrayList<>(guardById.size());
		guardById.forEach((id, guard) -> statements.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", id), guard),
				update)));
		return collection.bulkWrite(statements, new BulkWriteOptions().ordered(false)).getModifiedCount();
	}
}
