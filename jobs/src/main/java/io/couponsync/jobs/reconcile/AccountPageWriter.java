package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.micrometer.core.instrument.MeterRegistry;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.jobs.accountstate.AccountReconciler;
import io.couponsync.jobs.accountstate.AccountReconciler.Target;
import io.couponsync.jobs.accountstate.ReconcileTally;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Reconciles each page of a full run: one getMultipleAccounts for its addresses (at least as new as the listing) and
 * one query for their documents; after a partition's last page, the documents of its key range the listing does not
 * name are orphaned. Counts go into the partition's ExecutionContext and Micrometer.
 */
class AccountPageWriter implements ItemWriter<KeyPage> {

	/** Observes each page written (tests crash a partition between pages). */
	@FunctionalInterface
	interface PageListener {

		PageListener NONE = page -> {
		};

		void written(KeyPage page);
	}

	private final SolanaRpcClient rpc;

	private final MongoDatabase database;

	private final AccountReconciler reconciler;

	private final String commitment;

	private final AccountReconciler.Settings settings;

	private final StepExecution stepExecution;

	private final MeterRegistry meters;

	private final PageListener pages;

	private final KeyListing listing;

	private final long run;

	AccountPageWriter(SolanaRpcClient rpc, MongoDatabase database, AccountReconciler reconciler, KeyListing listing,
			String commitment, AccountReconciler.Settings settings, StepExecution stepExecution, MeterRegistry meters,
			PageListener pages) {
		this.listing = listing;
		this.run = stepExecution.getJobExecution().getJobInstance().getInstanceId();
		this.rpc = rpc;
		this.database = database;
		this.reconciler = reconciler;
		this.commitment = commitment;
		this.settings = settings;
		this.stepExecution = stepExecution;
		this.meters = meters;
		this.pages = pages;
	}

	@Override
	public void write(Chunk<? extends KeyPage> chunk) {
		ReconcileTally tally = new ReconcileTally();
		for (KeyPage page : chunk) {
			write(page, tally);
			pages.written(page);
		}
		tally.addTo(stepExecution.getExecutionContext());
		tally.addTo(meters, "reconcile");
	}

	private void write(KeyPage page, ReconcileTally tally) {
		if (!page.addresses().isEmpty()) {
			List<AccountRead> reads = rpc.readAccounts(page.addresses(), commitment, page.listingSlot());
			List<Target> targets = page.addresses().stream().map(address -> new Target(address, page.collection()))
				.toList();
			reconciler.reconcile(targets, reads, null, settings, tally);
		}
		if (page.sweep() != null) {
			sweep(page, tally);
		}
	}

	/**
	 * Reconciles the documents of the partition's key range that the listing does not name and that are not marked
	 * orphaned yet, in one pass over the range: it reads their accounts first, so only one the chain says is gone is
	 * orphaned. why the read: a listing can be short (a provider's cap, a node behind, another cluster's program id)
	 * and would otherwise have every document it left out marked orphaned. why one pass: once per partition rather
	 * than per page — a range query per page would cost a scan per page on a store that serves ranges without an
	 * index (the embedded server).
	 */
	private void sweep(KeyPage page, ReconcileTally tally) {
		KeyPage.Sweep sweep = page.sweep();
		Set<String> listed = new HashSet<>();
		for (int block = sweep.fromBlock(); block < sweep.toBlock(); block++) {
			listed.addAll(listing.block(run, page.type(), block));
		}
		Bson range = sweep.throughKey() == null ? Filters.gt("_id", sweep.afterKey())
				: Filters.and(Filters.gt("_id", sweep.afterKey()), Filters.lte("_id", sweep.throughKey()));
		List<String> unlisted = new ArrayList<>();
		database.getCollection(page.collection(), BsonDocument.class).find(range)
			.projection(Projections.include(ReadModelStore.ORPHANED))
			.forEach(document -> {
				String id = document.getString("_id").getValue();
				if (!listed.contains(id) && !document.getBoolean(ReadModelStore.ORPHANED, BsonBoolean.FALSE).getValue()) {
					unlisted.add(id);
				}
			});
		if (!unlisted.isEmpty()) {
			List<AccountRead> reads = rpc.readAccounts(unlisted, commitment, page.listingSlot());
			reconciler.reconcile(unlisted.stream().map(address -> new Target(address, page.collection())).toList(), reads,
					null, settings, tally);
		}
	}
}
