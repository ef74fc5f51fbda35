package io.couponsync.jobs.applyevents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;

/**
 * {@code dead_letters}: transactions the apply job could not apply, with the raw input, the reasons and the job
 * execution; their staged documents are marked dead. Re-queueing (after an IDL or projection fix) moves them back
 * to received.
 */
public final class DeadLetterStore {

	public static final String COLLECTION = "dead_letters";

	private final MongoCollection<Document> deadLetters;

	private final StagingRepository staging;

	public DeadLetterStore(MongoDatabase database, StagingRepository staging) {
		this.deadLetters = database.getCollection(COLLECTION);
		this.staging = staging;
	}

	void record(StagedTransaction transaction, List<String> reasons, long jobExecutionId) {
		Document raw = MongoStagingRepository.toDocument(transaction);
		raw.remove("_id");
		deadLetters.replaceOne(Filters.eq("_id", transaction.signature()), new Document("_id", transaction.signature())
			.append("slot", transaction.slot())
			.append("reasons", reasons)
			.append("jobExecutionId", jobExecutionId)
			.append("deadAt", new Date())
			.append("status", "dead")
			.append("input", raw), new ReplaceOptions().upsert(true));
		staging.markDead(transaction.signature(), reasons);
	}

	/** Moves every dead transaction back to received; returns how many. */
	public long requeueAll() {
		long moved = staging.requeueDead();
		deadLetters.updateMany(Filters.eq("status", "dead"),
				Updates.combine(Updates.set("status", "requeued"), Updates.set("requeuedAt", new Date())));
		return moved;
	}

	/** Moves the given dead transactions back to received; returns how many moved. */
	public long requeue(Collection<String> signatures) {
		long moved = staging.requeueDead(signatures);
		deadLetters.updateMany(Filters.and(Filters.in("_id", signatures), Filters.eq("status", "dead")),
				Updates.combine(Updates.set("status", "requeued"), Updates.set("requeuedAt", new Date())));
		return moved;
	}

	public long count() {
		return deadLetters.countDocuments(Filters.eq("status", "dead"));
	}

	/** A page of dead letters, newest first; {@code status} null for every status. */
	public List<Document> page(String status, int skip, int limit) {
		return deadLetters.find(status == null ? new Document() : Filters.eq("status", status))
			.sort(Sorts.descending("deadAt")).skip(skip).limit(limit).into(new ArrayList<>());
	}

	/** One dead letter with its raw input, if recorded. */
	public Optional<Document> find(String signature) {
		return Optional.ofNullable(deadLetters.find(Filters.eq("_id", signature)).first());
	}
}
