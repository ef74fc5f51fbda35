package io.couponsync.jobs.orphans;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.jobs.accountstate.AccountDecoding;
import io.couponsync.jobs.accountstate.AccountReadCheckpoints;
import io.couponsync.jobs.accountstate.AccountReads;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Ends a cleanup: purges the documents orphaned longer than the retention whose account is still gone (counted per
 * collection in the step's
 * ExecutionContext, {@code purged.<collection>}, and in {@code sync.orphans.purged}), then records the earliest slot
 * the check read at as the cleanup's checkpoint — every document not marked had its account then.
 */
class OrphanPurgeTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(OrphanPurgeTasklet.class);

	private final MongoDatabase database;

	private final List<String> collections;

	private final Duration retention;

	private final AccountReadCheckpoints checkpoints;

	private final SolanaRpcClient rpc;

	private final String commitment;

	private final MeterRegistry meters;

	private final AccountDecoding decoding;

	OrphanPurgeTasklet(MongoDatabase database, List<String> collections, Duration retention,
			AccountReadCheckpoints checkpoints, SolanaRpcClient rpc, String commitment, MeterRegistry meters,
			AccountDecoding decoding) {
		this.database = database;
		this.collections = collections;
		this.retention = retention;
		this.checkpoints = checkpoints;
		this.rpc = rpc;
		this.commitment = commitment;
		this.meters = meters;
		this.decoding = decoding;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		Date cutoff = Date.from(Instant.now().minus(retention));
		long total = 0;
		for (String collection : collections) {
			long purged = purge(collection, cutoff);
			if (purged > 0) {
				step.getExecutionContext().putLong("purged." + collection, purged);
				meters.counter("sync.orphans.purged", "collection", collection).increment(purged);
				total += purged;
			}
		}
		contribution.incrementWriteCount(total);
		var job = step.getJobExecution().getExecutionContext();
		// why: with no document to check, every account the read model has was checked as of now
		long readSlot = job.containsKey(OrphanCheckWriter.MIN_READ_SLOT) ? job.getLong(OrphanCheckWriter.MIN_READ_SLOT)
				: rpc.getSlot(commitment);
		checkpoints.saveOrphanCleanup(readSlot, step.getJobExecutionId());
		log.info("orphan cleanup: {} documents orphaned more than {} days purged; every other document checked at "
				+ "slot {} or later", total, retention.toDays(), readSlot);
		return RepeatStatus.FINISHED;
	}

	/**
	 * Deletes the collection's documents orphaned before the cutoff whose account is still gone (one read per 100).
	 * why: the check step passes over documents marked already, so one whose account came back (created again by
	 * an event the apply job could not apply) would be deleted; it is kept, for reconciliation to take the mark away.
	 */
	private long purge(String collection, Date cutoff) {
		Bson expired = Filters.and(Filters.eq(ReadModelStore.ORPHANED, true), Filters.lt(ReadModelStore.ORPHANED_AT,
				cutoff));
		MongoCollection<Document> documents = database.getCollection(collection);
		List<String> candidates = new ArrayList<>();
		documents.find(expired).projection(Projections.include("_id"))
			.forEach(document -> candidates.add(document.getString("_id")));
		if (candidates.isEmpty()) {
			return 0;
		}
		// why: the slot fixed first and the read held to it, so a node behind (one that has not seen an account
		// created again lately) cannot answer "gone" for it
		List<AccountRead> reads = AccountReads.read(rpc, candidates, commitment, rpc.getSlot(commitment));
		List<WriteModel<Document>> deletes = new ArrayList<>();
		List<String> back = new ArrayList<>();
		for (int i = 0; i < candidates.size(); i++) {
			if (decoding.ownedByProgram(reads.get(i))) {
				back.add(candidates.get(i));
			}
			else {
				deletes.add(new DeleteOneModel<>(Filters.and(Filters.eq("_id", candidates.get(i)), expired)));
			}
		}
		if (!back.isEmpty()) {
			log.warn("{} documents of {} orphaned longer than the retention have an account again (e.g. {}): kept, for "
					+ "reconciliation to take the mark away", back.size(), collection, back.get(0));
		}
		return deletes.isEmpty() ? 0
				: documents.bulkWrite(deletes, new BulkWriteOptions().ordered(false)).getDeletedCount();
	}
}
