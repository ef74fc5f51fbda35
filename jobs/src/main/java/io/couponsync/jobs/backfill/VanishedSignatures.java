package io.couponsync.jobs.backfill;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

/**
 * {@code vanished_signatures}: signatures getSignaturesForAddress listed but the chain no longer knows by the time
 * the crawler fetched them (getTransaction and getSignatureStatuses both answer null) — dropped by a fork. One
 * document per signature: the slot and commitment it was listed at, when it was first and last met. A record for
 * operators, nothing reads it: nothing was staged, so there is nothing to undo; the crawl's checkpoint stays below it (see
 * {@link BackfillStagingWriter}), so if the transaction lands again, or was in fact final and only looked dropped,
 * a later crawl stages it; if the listener staged it, the finality job marks it dropped.
 */
final class VanishedSignatures {

	static final String COLLECTION = "vanished_signatures";

	private final MongoCollection<Document> vanished;

	private final String programId;

	VanishedSignatures(MongoDatabase database, String programId) {
		this.vanished = database.getCollection(COLLECTION);
		this.programId = programId;
	}

	void record(Collection<SignatureRef> signatures) {
		if (signatures.isEmpty()) {
			return;
		}
		Date now = new Date();
		List<WriteModel<Document>> writes = new ArrayList<>(signatures.size());
		for (SignatureRef ref : signatures) {
			writes.add(new UpdateOneModel<>(Filters.eq("_id", ref.signature()),
					Updates.combine(Updates.setOnInsert("programId", programId), Updates.set("slot", ref.slot()),
							Updates.set("listedAs", ref.confirmationStatus().value()), Updates.setOnInsert("firstSeenAt", now),
							Updates.set("lastSeenAt", now)),
					new UpdateOptions().upsert(true)));
		}
		vanished.bulkWrite(writes);
	}
}
