package io.couponsync.jobs.batch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository.ChainPosition;

/**
 * Staged transactions of one of staging's pages ({@code pageToApply}, {@code pageToSettle}), in chain order (slot,
 * order in the slot, signature), one page per query. Paging is by key (after the last one read), never by offset,
 * because the jobs themselves move the transactions the pages select; the key is saved in the ExecutionContext,
 * so a restart resumes after the last committed chunk.
 */
public class StagedTransactionReader implements ItemStreamReader<StagedTransaction> {

	/** One page of staging after a position. */
	@FunctionalInterface
	public interface Pages {

		List<StagedTransaction> after(ChainPosition position, int limit);
	}

	private final Pages pages;

	private final int pageSize;

	private final String lastSlotKey;

	private final String lastSignatureKey;

	private final String lastOrderKey;

	private final Deque<StagedTransaction> page = new ArrayDeque<>();

	private ChainPosition last = ChainPosition.START;

	private boolean exhausted;

	/** Reads {@code pages}; {@code name} prefixes its context keys. */
	public StagedTransactionReader(Pages pages, int pageSize, String name) {
		this.pages = pages;
		this.pageSize = pageSize;
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
		if (page.isEmpty() && !exhausted) {
			List<StagedTransaction> next = pages.after(last, pageSize);
			page.addAll(next);
			exhausted = next.size() < pageSize;
		}
		StagedTransaction next = page.poll();
		if (next != null) {
			last = ChainPosition.of(next);
		}
		return next;
	}
}
