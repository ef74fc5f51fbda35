package io.couponsync.jobs.orphans;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.BsonDocument;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Every document of the account collections that is not marked orphaned, collection by collection, in key order, a
 * page per query, keyed (never offset) paging; the collection and the last key read are in the step's
 * ExecutionContext, so a restart goes on from the last chunk written.
 */
class ReadModelDocumentReader implements ItemStreamReader<OrphanCandidate> {

	private static final String COLLECTION = "reader.collection";

	private static final String LAST_ID = "reader.lastId";

	private final MongoDatabase database;

	private final List<String> collections;

	private final int pageSize;

	private final Deque<OrphanCandidate> page = new ArrayDeque<>();

	private int collection;

	private String lastId;

	ReadModelDocumentReader(MongoDatabase database, List<String> collections, int pageSize) {
		this.database = database;
		this.collections = collections;
		this.pageSize = pageSize;
	}

	@Override
	public void open(ExecutionContext context) {
		collection = context.getInt(COLLECTION, 0);
		lastId = context.containsKey(LAST_ID) ? context.getString(LAST_ID) : "";
	}

	@Override
	public void update(ExecutionContext context) {
		// why: the position of the last item handed out; items still buffered are read again after a restart
		context.putInt(COLLECTION, collection);
		context.putString(LAST_ID, lastId);
	}

	@Override
	public OrphanCandidate read() {
		while (page.isEmpty() && collection < collections.size()) {
			String name = collections.get(collection);
			database.getCollection(name, BsonDocument.class)
				.find(Filters.and(Filters.gt("_id", lastId), Filters.ne(ReadModelStore.ORPHANED, true)))
				.sort(Sorts.ascending("_id"))
				.limit(pageSize)
				.forEach(document -> page.add(new OrphanCandidate(name, document)));
			if (page.isEmpty()) {
				collection++;
				lastId = "";
			}
		}
		OrphanCandidate next = page.poll();
		if (next != null) {
			lastId = next.address();
		}
		return next;
	}
}
