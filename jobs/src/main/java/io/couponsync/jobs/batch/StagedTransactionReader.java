package io.couponsync.jobs.batch;

import java.util.Iterator;
import java.util.stream.Stream;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository.ChainPosition;

/**
 * Staged transactions of one of staging's selections ({@code toApply}, {@code toSettle}) in chain order (slot, order
 * in the slot, signature), read through one query per run in batches, never by offset, since the jobs themselves
 * move the transactions the selection holds. The position of the last one read is saved in the ExecutionContext, so
 * a restart queries again after the last committed chunk.
 */
public class StagedTransactionReader implements ItemStreamReader<StagedTransaction> {

	/** A selection of staging, read after a position in batches of a size. */
	@FunctionalInterface
	public interface Selection {

		Stream<StagedTransaction> after(ChainPosition position, int batchSize);
	}

	private final Selection selection;

	private final int batchSize;

	private final String lastSlotKey;

	private final String lastSignatureKey;

	private final String lastOrderKey;

	private ChainPosition last = ChainPosition.START;

	private Stream<StagedTransaction> stream;

	private Iterator<StagedTransaction> transactions;

	/** Reads {@code selection}; {@code name} prefixes its context keys. */
	public StagedTransactionReader(Selection selection, int batchSize, String name) {
		this.selection = selection;
		this.batchSize = batchSize;
		this.lastSlotKey = name + ".lastSlot";
		this.lastSignatureKey = name + ".lastSignature";
		this.lastOrderKey = name + ".lastOrder";
	}

	@Override
	public void open(ExecutionContext context) {
		if (context.containsKey(lastSlotKey)) {
			last = new ChainPosition(context.getLong(lastSlotKey), context.getInt(lastOrderKey, 0),
					context.getString(lastSignatureKey));
		}
	}

	@Override
	public void update(ExecutionContext context) {
		context.putLong(lastSlotKey, last.slot());
		context.putInt(lastOrderKey, last.order());
		context.putString(lastSignatureKey, last.signature());
	}

	@Override
	public StagedTransaction read() {
		if (transactions == null) {
			stream = selection.after(last, batchSize);
			transactions = stream.iterator();
		}
		if (!transactions.hasNext()) {
			return null;
		}
		StagedTransaction next = transactions.next();
		last = ChainPosition.of(next);
		return next;
	}

	@Override
	public void close() {
		if (stream != null) {
			stream.close();
			stream = null;
			transactions = null;
		}
	}
}
