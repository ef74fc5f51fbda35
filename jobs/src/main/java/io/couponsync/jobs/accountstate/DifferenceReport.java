package io.couponsync.jobs.accountstate;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

import io.couponsync.chain.staging.CountCommand;

/**
 * {@code reconcile_differences}: every difference a run found between the read model and the chain, one document
 * each — the job execution, the account type, collection and address, the kind ({@link Kind}), the field, the
 * read model's value and the chain's, the slot the account was read at, and whether the run only reported it.
 */
public class DifferenceReport {

	public static final String COLLECTION = "reconcile_differences";

	/** {@link #countByKind}'s name for {@code field} differences whose document held no value. */
	public static final String FIELD_LACKING = "field-lacking";

	/** What differed. */
	public enum Kind {

		/** A field whose value differs, or that the document lacks; a value differing here was an event's. */
		FIELD("field"),
		/**
		 * A field whose value an earlier account read wrote, no event having changed it since, and which differs
		 * now: the chain changed it without an event the read model applies — the fields no event describes, such
		 * as a user's {@code lastActivity}, or an event not applied yet. Repaired as {@link #FIELD} is.
		 */
		UNEVENTED_FIELD("unevented-field"),
		/** A counter that differs from the account's: reported, not written (the event log maintains it). */
		COUNTER("counter"),
		/** An account with no document: {@code chain} holds the whole account. */
		MISSING_DOCUMENT("missing-document"),
		/** A document whose account is gone: {@code chain} is null, the field holds the orphan reason. */
		ORPHANED("orphaned"),
		/** A document marked orphaned whose account exists. */
		ORPHAN_MARK("orphan-mark"),
		/**
		 * An account of the program the IDL cannot decode: {@code field} holds why, {@code chain} its data; the pass
		 * leaves it out (neither compared nor orphaned) and goes on.
		 */
		UNDECODABLE("undecodable");

		private final String value;

		Kind(String value) {
			this.value = value;
		}

		public String value() {
			return value;
		}
	}

	/** One difference. */
	public record Difference(Kind kind, String type, String collection, String address, String field,
			BsonValue readModel, BsonValue chain, long slot) {
	}

	private final MongoDatabase database;

	private final MongoCollection<BsonDocument> report;

	public DifferenceReport(MongoDatabase database) {
		this.database = database;
		this.report = database.getCollection(COLLECTION, BsonDocument.class);
	}

	public void createIndexes() {
		report.createIndex(Indexes.ascending("jobExecutionId", "collection"),
				new IndexOptions().name("job_execution_collection"));
		// why: the console's counts by kind, at every refresh, from the index alone on MongoDB
		report.createIndex(Indexes.ascending("jobExecutionId", "kind"), new IndexOptions().name("job_execution_kind"));
	}

	/** How many differences a job execution recorded. */
	public long count(long jobExecutionId) {
		return CountCommand.count(database, report,
				new BsonDocument("jobExecutionId", new BsonInt64(jobExecutionId)));
	}

	/**
	 * What a job execution recorded, by kind, in the enum's order and without zeros, {@code field} split in two:
	 * {@value #FIELD_LACKING} for fields the document did not hold (mostly those no event describes, filled from the
	 * account as designed), {@code field} for values an event wrote that differed. why: on a busy chain the fills
	 * never stop, and they would hide the rest.
	 */
	public Map<String, Long> countByKind(long jobExecutionId) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (Kind kind : Kind.values()) {
			BsonDocument ofKind = new BsonDocument("jobExecutionId", new BsonInt64(jobExecutionId)).append("kind",
					new BsonString(kind.value()));
			long count = CountCommand.count(database, report, ofKind);
			if (kind == Kind.FIELD && count > 0) {
				long lacking = CountCommand.count(database, report, ofKind.clone().append("readModel", BsonNull.VALUE));
				counts.put(FIELD_LACKING, lacking);
				count -= lacking;
			}
			counts.put(kind.value(), count);
		}
		counts.values().removeIf(count -> count == 0);
		return counts;
	}

	public void record(List<Difference> differences, long jobExecutionId, boolean dryRun) {
		if (differences.isEmpty()) {
			return;
		}
		BsonDateTime now = new BsonDateTime(new Date().getTime());
		List<BsonDocument> documents = new ArrayList<>(differences.size());
		for (Difference difference : differences) {
			documents.add(new BsonDocument("jobExecutionId", new BsonInt64(jobExecutionId))
				.append("dryRun", BsonBoolean.valueOf(dryRun))
				.append("kind", new BsonString(difference.kind().value()))
				.append("type", difference.type() == null ? BsonNull.VALUE : new BsonString(difference.type()))
				.append("collection",
						difference.collection() == null ? BsonNull.VALUE : new BsonString(difference.collection()))
				.append("address", new BsonString(difference.address()))
				.append("field", difference.field() == null ? BsonNull.VALUE : new BsonString(difference.field()))
				.append("readModel", orNull(difference.readModel()))
				.append("chain", orNull(difference.chain()))
				.append("slot", new BsonInt64(difference.slot()))
				.append("recordedAt", now));
		}
		report.insertMany(documents, new InsertManyOptions().ordered(false));
	}

	private static BsonValue orNull(BsonValue value) {
		return value == null ? BsonNull.VALUE : value;
	}
}
