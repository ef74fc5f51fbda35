package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.micrometer.core.instrument.MeterRegistry;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.rpc.SolanaRpcClient.AccountRead;
import io.couponsync.jobs.accountstate.AccountReconciler;
import io.couponsync.jobs.accountstate.AccountReconciler.Target;
import io.couponsync.jobs.accountstate.ReconcileTally;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;

/**
 * Reconciles each page of a full run: one getMultipleAccounts for its addresses (at least as new as the listing),
 * one range query for the documents its key range holds; listed accounts are reconciled, documents in the range the
 * listing does not name are orphaned. Counts go into the partition's ExecutionContext and Micrometer.
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

	AccountPageWriter(SolanaRpcClient rpc, MongoDatabase database, AccountReconciler reconciler, String commitment,
			AccountReconciler.Settings settings, StepExecution stepExecution, MeterRegistry meters, PageListener pages) {
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
		List<AccountRead> reads = page.addresses().isEmpty() ? List.of()
				: rpc.readAccounts(page.addresses(), commitment, page.listingSlot());
		Bson range = page.throughKey() == null ? Filters.gt("_id", page.afterKey())
				: Filters.and(Filters.gt("_id", page.afterKey()), Filters.lte("_id", page.throughKey()));
		Map<DocumentKey, BsonDocument> listed = new HashMap<>();
		List<BsonDocument> unlisted = new ArrayList<>();
		Set<String> addresses = new HashSet<>(page.addresses());
		database.getCollection(page.collection(), BsonDocument.class).find(range).forEach(document -> {
			String id = document.getString("_id").getValue();
			if (addresses.contains(id)) {
				listed.put(new DocumentKey(page.collection(), id), document);
			}
			else {
				unlisted.add(document);
			}
		});
		List<Target> targets = page.addresses().stream().map(address -> new Target(address, page.collection()))
			.toList();
		reconciler.reconcile(targets, reads, listed, settings, tally);
		reconciler.orphanUnlisted(page.collection(), unlisted, page.listingSlot(), settings, tally);
	}
}
