package io.couponsync.jobs.batch;

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

/**
 * Staged transactions that match a filter, in chain order (slot, then signature), one page per query. Paging is
 * by key (after the last slot and signature read), never by offset, because the jobs themselves change the fields
 * the filters test; the key is saved in the ExecutionContext, so a restart resumes after the last committed chunk.
 */
public class StagedTransactionReader implements ItemStreamReader<StagedTransaction> {

	private final MongoCollection<Document> staging;

	private final Bson filter;

	private final int pageSize;

	private final String lastSlotKey;

	private final String lastSignatureKey;

	private final Deque<StagedTransaction> page = new ArrayDeque<>();

	private long lastSlot = -1;

	private String lastSignature = "";

	private boolean exhausted;

	/** Reads the transactions in {@code staging} matching {@code filter}; {@code name} prefixes its context keys. */
	public StagedTransactionReader(MongoCollection<Document> staging, Bson filter, int pageSize, String name) {
		this.staging = staging;
		this.filter = filter;
		this.pageSize = pageSize;
		this.lastSlotKey = name + ".lastSlot";
		this.lastSignatureKey = name + ".lastSignature";
	}

	@Override
	public void open(ExecutionContext context) {
		if (context.containsKey(lastSlotKey)) {
			lastSlot = context.getLong(lastSlotKey);
			lastSignature = context.getString(lastSignatureKey);
		}
	}

	@Override
	public void update(ExecutionContext context) {
		context.putLong(lastSlotKey, lastSlot);
		context.putString(lastSignatureKey, lastSignature);
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
		staging.find(Filters.and(filter, after))
			.sort(Sorts.ascending("slot", "_id"))
			.limit(pageSize)
			.forEach(document -> page.add(MongoStagingRepository.fromDocument(document)));
		exhausted = page.size() < pageSize;
	}
}
