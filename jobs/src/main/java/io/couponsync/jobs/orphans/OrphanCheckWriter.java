package io.couponsync.jobs.orphans;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.bson.BsonDocument;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.jobs.accountstate.AccountReads;
import io.couponsync.jobs.accountstate.AccountReconciler;
import io.couponsync.jobs.accountstate.AccountReconciler.Target;
import io.couponsync.jobs.accountstate.ReconcileTally;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;

/**
 * Reads a chunk of documents' accounts with one getMultipleAccounts (the chunk is at most 100) and marks orphaned,
 * with the reason, the documents whose account does not exist; an event after the read keeps its document as it
 * is. Remembers the earliest slot read at ({@value #MIN_READ_SLOT}), which the cleanup's checkpoint records.
 */
class OrphanCheckWriter implements ItemWriter<OrphanCandidate> {

	static final String MIN_READ_SLOT = "minReadSlot";

	private final SolanaRpcClient rpc;

	private final AccountReconciler reconciler;

	private final String commitment;

	private final AccountReconciler.Settings settings;

	private final StepExecution stepExecution;

	private final MeterRegistry meters;

	private final long minContextSlot;

	/**
	 * @param minContextSlot the slot no read may be older than (the last cleanup's), so a lagging node cannot answer
	 * with a state from before it
	 */
	OrphanCheckWriter(SolanaRpcClient rpc, AccountReconciler reconciler, String commitment,
			AccountReconciler.Settings settings, StepExecution stepExecution, MeterRegistry meters, long minContextSlot) {
		this.minContextSlot = minContextSlot;
		this.rpc = rpc;
		this.reconciler = reconciler;
		this.commitment = commitment;
		this.settings = settings;
		this.stepExecution = stepExecution;
		this.meters = meters;
	}

	@Override
	public void write(Chunk<? extends OrphanCandidate> chunk) {
		List<Target> targets = new ArrayList<>(chunk.size());
		Map<DocumentKey, BsonDocument> stored = new HashMap<>();
		for (OrphanCandidate candidate : chunk) {
			targets.add(new Target(candidate.address(), candidate.collection()));
			stored.put(new DocumentKey(candidate.collection(), candidate.address()), candidate.document());
		}
		List<AccountRead> reads = AccountReads.read(rpc, targets.stream().map(Target::address).toList(), commitment,
				minContextSlot);
		ReconcileTally tally = new ReconcileTally();
		reconciler.orphanMissing(targets, reads, stored, settings, tally);
		var context = stepExecution.getExecutionContext();
		reads.stream().mapToLong(AccountRead::contextSlot).min().ifPresent(slot -> context.putLong(MIN_READ_SLOT,
				Math.min(slot, context.getLong(MIN_READ_SLOT, Long.MAX_VALUE))));
		tally.addTo(context);
		tally.addTo(meters, "orphans");
	}
}
