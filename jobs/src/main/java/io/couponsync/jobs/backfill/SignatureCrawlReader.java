package io.couponsync.jobs.backfill;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.couponsync.chain.rpc.ListedSignature;
import io.couponsync.chain.rpc.SolanaRpcClient;

/**
 * Walks getSignaturesForAddress newest first, pages of up to 1,000 with {@code before}, down to a stop point (the
 * last checkpoint, an {@code untilSignature}, a {@code fromSlot}, or the program's first transaction). Only an empty
 * page or a signature below {@code fromSlot} ends the walk (the checkpoint and {@code untilSignature} reach the node
 * as {@code until}, so the page after the last one above them is empty): providers cap pages below the size asked
 * for, so a short page is not the end of history. An empty page ends a walk with a stop point only once the node
 * shows it lists something older (see {@link #reachedUntil}). The last signature handed out is kept in the ExecutionContext,
 * so a restart resumes the walk just after it; the slot range covered is kept there too, for the gaps. (The
 * checkpoint is the writer's: only it knows which listed signatures the chain no longer answers for.)
 */
class SignatureCrawlReader implements ItemStreamReader<SignatureRef> {

	private static final Logger log = LoggerFactory.getLogger(SignatureCrawlReader.class);

	static final String BEFORE = "signatureCrawl.before";

	static final String BEFORE_SLOT = "signatureCrawl.beforeSlot";

	static final String HIGHEST_SLOT = "signatureCrawl.highestSlot";

	static final String LOWEST_SLOT = "signatureCrawl.lowestSlot";

	private final SolanaRpcClient rpc;

	private final String programId;

	private final String until;

	private final long fromSlot;

	private final int pageSize;

	private final Deque<SignatureRef> page = new ArrayDeque<>();

	private String before;

	/**
	 * The slot of {@code before}, sent as {@code minContextSlot}: behind a load balancer the next page may come from a
	 * node that has not reached it, which would answer an empty page, read as the end of history.
	 */
	private long beforeSlot;

	private boolean exhausted;

	/** Whether this run listed again from the newest signature already (see {@link #walkAgainFromTheTop}). */
	private boolean walkedAgain;

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
		beforeSlot = context.getLong(BEFORE_SLOT, 0);
		highestSlot = context.getLong(HIGHEST_SLOT, -1);
		lowestSlot = context.getLong(LOWEST_SLOT, Long.MAX_VALUE);
	}

	@Override
	public void update(ExecutionContext context) {
		if (before != null) {
			context.putString(BEFORE, before);
			context.putLong(BEFORE_SLOT, beforeSlot);
		}
		context.putLong(HIGHEST_SLOT, highestSlot);
		context.putLong(LOWEST_SLOT, lowestSlot);
	}

	@Override
	public SignatureRef read() {
		while (page.isEmpty() && !exhausted) {
			fetchPage();
		}
		SignatureRef next = page.poll();
		if (next != null) {
			before = next.signature();
			beforeSlot = next.slot();
			highestSlot = Math.max(highestSlot, next.slot());
			lowestSlot = Math.min(lowestSlot, next.slot());
		}
		return next;
	}

	private void fetchPage() {
		List<ListedSignature> entries = rpc.getSignaturesForAddress(programId, before, until, pageSize, "confirmed",
				beforeSlot);
		if (entries.isEmpty()) {
			if (before != null && until != null && !reachedUntil()) {
				walkAgainFromTheTop();
				return;
			}
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

	/**
	 * Whether an empty page below {@code before} means the walk reached {@code until}: then the node lists something
	 * older than {@code before} when asked without {@code until} (one signature). why: a node answers an empty page
	 * too for a {@code before} it does not know (pruned history, a node lagging behind the one that served the last
	 * page, a signature a fork dropped) and below the oldest block it keeps; taken as the end, the checkpoint would
	 * then move past transactions never listed.
	 */
	private boolean reachedUntil() {
		return !rpc.getSignaturesForAddress(programId, before, null, 1, "confirmed", beforeSlot).isEmpty();
	}

	/**
	 * Lists again from the newest signature, once per run (staging skips what it has, so the cost is the listing);
	 * a node whose history stops above {@code until} fails the run instead, and the checkpoint stays where it is.
	 */
	private void walkAgainFromTheTop() {
		if (walkedAgain) {
			throw new IllegalStateException("The RPC node's history of program " + programId + " stops at signature "
					+ before + ", above the crawl's stop point " + until + ": it lists nothing older (pruned ledger, "
					+ "or a node behind the others). Nothing was lost: the checkpoint stays, and the next run walks "
					+ "again; point sync.solana.rpc-url at a node that keeps the history down to the stop point.");
		}
		log.warn("getSignaturesForAddress lists nothing below {} but has not reached the stop point {}: the node "
				+ "does not know that signature (another node, pruned, or dropped by a fork); listing again from the "
				+ "newest", before, until);
		walkedAgain = true;
		before = null;
		beforeSlot = 0;
	}
}
