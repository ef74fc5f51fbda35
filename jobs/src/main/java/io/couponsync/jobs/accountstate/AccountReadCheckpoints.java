package io.couponsync.jobs.accountstate;

import java.util.Date;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;

/**
 * {@code reconcile_checkpoints}: how far the jobs that read accounts have brought the read model, for their next
 * runs and for {@code verify}. A full reconciliation records, per account type, the slot its accounts were listed
 * at; the incremental one the slot through which changed documents were read (and the dead letters read); orphan
 * cleanup the earliest slot its reads were answered at.
 */
public final class AccountReadCheckpoints {

	public static final String COLLECTION = "reconcile_checkpoints";

	private static final String INCREMENTAL = "incremental";

	private static final String ORPHAN_CLEANUP = "orphanCleanup";

	/** Where the incremental run stands: documents changed through {@code slot}, dead letters through a time. */
	public record Incremental(long slot, Date deadLettersThrough) {
	}

	private final MongoCollection<Document> checkpoints;

	public AccountReadCheckpoints(MongoDatabase database) {
		this.checkpoints = database.getCollection(COLLECTION);
	}

	public Incremental incremental() {
		Document found = checkpoints.find(Filters.eq("_id", INCREMENTAL)).first();
		return found == null ? new Incremental(0, new Date(0))
				: new Incremental(found.get("slot", Number.class).longValue(), found.getDate("deadLettersThrough"));
	}

	public void saveIncremental(long slot, Date deadLettersThrough, long jobExecutionId) {
		save(INCREMENTAL, Updates.combine(Updates.set("slot", slot), Updates.set("deadLettersThrough", deadLettersThrough),
				Updates.set("jobExecutionId", jobExecutionId)));
	}

	/** The slot a full run last listed the type's accounts at (every account then has its document), or 0. */
	public long full(String accountType) {
		return slot("full:" + accountType);
	}

	public void saveFull(String accountType, long slot, long jobExecutionId) {
		save("full:" + accountType, Updates.combine(Updates.set("slot", slot), Updates.set("jobExecutionId", jobExecutionId)));
	}

	/** The earliest slot the last complete orphan cleanup read its accounts at, or 0. */
	public long orphanCleanup() {
		return slot(ORPHAN_CLEANUP);
	}

	public void saveOrphanCleanup(long slot, long jobExecutionId) {
		save(ORPHAN_CLEANUP, Updates.combine(Updates.set("slot", slot), Updates.set("jobExecutionId", jobExecutionId)));
	}

	private long slot(String id) {
		Document found = checkpoints.find(Filters.eq("_id", id)).first();
		return found == null ? 0 : found.get("slot", Number.class).longValue();
	}

	private void save(String id, org.bson.conversions.Bson update) {
		checkpoints.updateOne(Filters.eq("_id", id), Updates.combine(update, Updates.set("savedAt", new Date())),
				new UpdateOptions().upsert(true));
	}
}
