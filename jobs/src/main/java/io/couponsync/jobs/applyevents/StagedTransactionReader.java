package io.couponsync.jobs.applyevents;

import java.util.ArrayDeque;
import java.util.Deque;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.conversions.Bson;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingStatus;

/**
 * Staged transactions not yet applied, in chain order (slot, then signature), one page per query. Paging is by
 * key (after the last slot and signature read), never by offset, because the job itself changes the status the
 * query filters on; the key is saved in the ExecutionContext, so a restart resumes after the last committed chunk.
 */
class StagedTransactionReader implements ItemStreamReader<StagedTransaction> {

	static final String LAST_SLOT = "stagedTransactionReader.lastSlot";

	static final String LAST_SIGNATURE = "stagedTransactionReader.lastSignature";

	private final MongoCollection<Document> staging;

	private final int pageSize;

	private final Deque<StagedTransaction> page = new ArrayDeque<>();

	private long lastSlot = -1;

	private String lastSignature = "";

	private boolean exhausted;

	StagedTransactionReader(MongoCollection<Document> staging, int pageSize) {
		this.staging = staging;
		this.pageSize = pageSize;
	}

	@Override
	public void open(ExecutionContext context) {
		if (context.containsKey(LAST_SLOT)) {
			lastSlot = context.getLong(LAST_SLOT);
			lastSignature = context.getString(LAST_SIGNATURE);
		}
	}

	@Override
	public void update(ExecutionContext context) {
		context.putLong(LAST_SLOT, lastSlot);
		context.putString(LAST_SIGNATURE, lastSignature);
	}

	@Override
	public StagedTransaction read() {
		if (page.isEmpty() && !exhausted) {
			fetchPage();
		}
		StagedTransaction next = page.poll();
		if (next != null) {
			lastSlot = next.slot();
			lastSignature = next.signature();
		}
		return next;
	}

	private void fetchPage() {
		Bson after = Filters.or(Filters.gt("slot", lastSlot),
				Filters.and(Filters.eq("slot", lastSlot), Filters.gt("_id", lastSignature)));
		staging.find(Filters.and(Filters.eq("status", StagingStatus.RECEIVED.value()), after))
			.sort(Sorts.ascending("slot", "_id"))
			.limit(pageSize)
			.forEach(document -> page.add(MongoStagingRepository.fromDocument(document)));
		exhausted = page.size() < pageSize;
	}
}
