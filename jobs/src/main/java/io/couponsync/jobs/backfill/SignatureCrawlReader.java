package io.couponsync.jobs.backfill;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.couponsync.chain.rpc.ListedSignature;
import io.couponsync.chain.rpc.SolanaRpcClient;

/**
 * Walks getSignaturesForAddress newest first, pages of up to 1,000 with {@code before}, down to a stop point (the
 * last checkpoint, an {@code untilSignature}, a {@code fromSlot}, or the program's first transaction). Only an empty
 * page or a signature below {@code fromSlot} ends the walk (the checkpoint and {@code untilSignature} reach the node
 * as {@code until}, so the page after the last one above them is empty): providers cap pages below the size asked
 * for, so a short page is not the end of history. The last signature handed out is kept in the ExecutionContext,
 * so a restart resumes the walk just after it; the newest finalized signature met and the slot range covered are
 * kept there too, for the checkpoint and the gaps.
 */
class SignatureCrawlReader implements ItemStreamReader<SignatureRef> {

	static final String BEFORE = "signatureCrawl.before";

	static final String NEWEST_FINALIZED = "signatureCrawl.newestFinalized";

	static final String NEWEST_FINALIZED_SLOT = "signatureCrawl.newestFinalizedSlot";

	static final String HIGHEST_SLOT = "signatureCrawl.highestSlot";

	static final String LOWEST_SLOT = "signatureCrawl.lowestSlot";

	private final SolanaRpcClient rpc;

	private final String programId;

	private final String until;

	private final long fromSlot;

	private final int pageSize;

	private final Deque<SignatureRef> page = new ArrayDeque<>();

	private String before;

	private boolean exhausted;

	private String newestFinalized;

	private long newestFinalizedSlot = -1;

	private long highestSlot = -1;

	private long lowestSlot = Long.MAX_VALUE;

	SignatureCrawlReader(SolanaRpcClient rpc, String programId, String until, long fromSlot, int pageSize) {
		this.rpc = rpc;
		this.programId = programId;
		this.until = until;
		this.fromSlot = fromSlot;
		this.pageSize = pageSize;
	}

	@Override
	public void open(ExecutionContext context) {
		before = context.containsKey(BEFORE) ? context.getString(BEFORE) : null;
		newestFinalized = context.containsKey(NEWEST_FINALIZED) ? context.getString(NEWEST_FINALIZED) : null;
		newestFinalizedSlot = context.getLong(NEWEST_FINALIZED_SLOT, -1);
		highestSlot = context.getLong(HIGHEST_SLOT, -1);
		lowestSlot = context.getLong(LOWEST_SLOT, Long.MAX_VALUE);
	}

	@Override
	public void update(ExecutionContext context) {
		if (before != null) {
			context.putString(BEFORE, before);
		}
		if (newestFinalized != null) {
			context.putString(NEWEST_FINALIZED, newestFinalized);
			context.putLong(NEWEST_FINALIZED_SLOT, newestFinalizedSlot);
		}
		context.putLong(HIGHEST_SLOT, highestSlot);
		context.putLong(LOWEST_SLOT, lowestSlot);
	}

	@Override
	public SignatureRef read() {
		if (page.isEmpty() && !exhausted) {
			fetchPage();
		}
		SignatureRef next = page.poll();
		if (next != null) {
			before = next.signature();
			highestSlot = Math.max(highestSlot, next.slot());
			lowestSlot = Math.min(lowestSlot, next.slot());
			if (newestFinalized == null && next.finalized()) {
				newestFinalized = next.signature();
				newestFinalizedSlot = next.slot();
			}
		}
		return next;
	}

	private void fetchPage() {
		List<ListedSignature> entries = rpc.getSignaturesForAddress(programId, before, until, pageSize, "confirmed");
		if (entries.isEmpty()) {
			exhausted = true;
			return;
		}
		for (ListedSignature entry : entries) {
			if (entry.slot() < fromSlot) {
				exhausted = true;
				return;
			}
			page.add(new SignatureRef(entry.signature(), entry.slot(), entry.confirmationStatus()));
		}
	}
}
