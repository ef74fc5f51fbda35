package io.couponsync.jobs.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamWriter;

import io.couponsync.chain.rpc.ConfirmationStatus;
import io.couponsync.chain.rpc.FetchedTransaction;
import io.couponsync.chain.rpc.SignatureStatus;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;

/**
 * Stages the chunk's signatures that staging lacks: one query for which exist, getTransaction for the rest in
 * JSON-RPC batches run with bounded concurrency (with inner instructions, so emit_cpi! events decode), then one
 * insert-if-absent.
 *
 * <p>
 * A listed signature getTransaction answers null for is asked about once more, with getSignatureStatuses (history
 * searched): one the cluster still knows, or one listed as finalized (which no fork removes), the node cannot
 * return yet — that fails the chunk, to be retried, rather than be skipped. One the cluster no longer knows was
 * dropped by a fork after the listing: it is recorded in {@link VanishedSignatures}, counted in the step's
 * ExecutionContext ({@value #VANISHED}) and left out, never failing the crawl — which would otherwise fail on the
 * same signature at every restart.
 *
 * <p>
 * It also picks the crawl's next checkpoint ({@value #CHECKPOINT}): the first signature listed as finalized after
 * (below) the last one recorded as vanished, or the newest finalized one when none vanished. why: behind a load
 * balancer, a page can come from a node that has not finalized a transaction yet while getTransaction and
 * getSignatureStatuses reach nodes that do not have it at all; it then looks dropped though it is final. A
 * checkpoint above it would leave it out of every later crawl; below it, the next crawl lists it again and stages
 * it if it was final, and a really dropped one is simply no longer listed.
 */
class BackfillStagingWriter implements ItemStreamWriter<SignatureRef> {

	static final String VANISHED = "backfill.vanishedSignatures";

	static final String CHECKPOINT = "backfill.checkpoint";

	static final String CHECKPOINT_SLOT = "backfill.checkpointSlot";

	private static final Logger log = LoggerFactory.getLogger(BackfillStagingWriter.class);

	private final SolanaRpcClient rpc;

	private final StagingRepository staging;

	private final ExecutorService fetchers;

	private final int batchSize;

	private final VanishedSignatures vanished;

	private long vanishedCount;

	/** The checkpoint this crawl may advance to, null while none qualifies (see the class comment). */
	private SignatureRef checkpoint;

	/**
	 * @param fetchers runs getTransaction batches in parallel, bounding how many are in flight
	 * @param batchSize signatures per batch
	 * @param vanished where listed signatures the chain no longer knows are recorded
	 */
	BackfillStagingWriter(SolanaRpcClient rpc, StagingRepository staging, ExecutorService fetchers, int batchSize,
			VanishedSignatures vanished) {
		this.rpc = rpc;
		this.staging = staging;
		this.fetchers = fetchers;
		this.batchSize = batchSize;
		this.vanished = vanished;
	}

	@Override
	public void open(ExecutionContext context) {
		vanishedCount = context.getLong(VANISHED, 0);
		checkpoint = context.containsKey(CHECKPOINT) ? new SignatureRef(context.getString(CHECKPOINT),
				context.getLong(CHECKPOINT_SLOT), ConfirmationStatus.FINALIZED) : null;
	}

	@Override
	public void update(ExecutionContext context) {
		context.putLong(VANISHED, vanishedCount);
		if (checkpoint != null) {
			context.putString(CHECKPOINT, checkpoint.signature());
			context.putLong(CHECKPOINT_SLOT, checkpoint.slot());
		}
		else {
			context.remove(CHECKPOINT);
			context.remove(CHECKPOINT_SLOT);
		}
	}

	@Override
	public void write(Chunk<? extends SignatureRef> chunk) {
		Map<String, SignatureRef> listed = new LinkedHashMap<>();
		chunk.forEach(ref -> listed.put(ref.signature(), ref));
		Set<String> existing = new HashSet<>(staging.existing(listed.keySet()));
		List<String> missing = listed.keySet().stream().filter(signature -> !existing.contains(signature)).toList();
		if (missing.isEmpty()) {
			moveCheckpoint(chunk, Set.of());
			return;
		}
		List<FetchedTransaction> answers = fetch(missing);
		List<StagedTransaction> staged = new ArrayList<>(missing.size());
		List<SignatureRef> unanswered = new ArrayList<>();
		Instant now = Instant.now();
		for (int i = 0; i < missing.size(); i++) {
			FetchedTransaction answer = answers.get(i);
			if (answer == null) {
				unanswered.add(listed.get(missing.get(i)));
			}
			else {
				// why: the listing says how final it is; a finalized one needs no status call to settle
				SignatureRef ref = listed.get(missing.get(i));
				staged.add(answer.staged(now, ref.finalized() ? ChainCommitment.FINALIZED : ChainCommitment.CONFIRMED));
			}
		}
		List<SignatureRef> gone = vanishedAmong(unanswered);
		vanished.record(gone);
		staging.insertIfAbsent(staged);
		moveCheckpoint(chunk, gone.stream().map(SignatureRef::signature).collect(Collectors.toSet()));
		if (!gone.isEmpty()) {
			vanishedCount += gone.size();
			log.warn("{} signatures getSignaturesForAddress listed are no longer on chain (dropped by a fork), "
					+ "recorded in {} and not staged; first: {} at slot {}", gone.size(),
					VanishedSignatures.COLLECTION, gone.get(0).signature(), gone.get(0).slot());
		}
	}

	/** Walks the chunk in listing order (newest first): a vanished signature clears the candidate, which the next finalized one sets. */
	private void moveCheckpoint(Chunk<? extends SignatureRef> chunk, Set<String> gone) {
		for (SignatureRef ref : chunk) {
			if (gone.contains(ref.signature())) {
				checkpoint = null;
			}
			else if (checkpoint == null && ref.finalized()) {
				checkpoint = ref;
			}
		}
	}

	/**
	 * Those of the signatures getTransaction answered null for that the cluster no longer knows; throws when one it
	 * still knows (or one listed as finalized) is among them, since the node merely cannot return it yet.
	 */
	private List<SignatureRef> vanishedAmong(List<SignatureRef> unanswered) {
		if (unanswered.isEmpty()) {
			return List.of();
		}
		List<SignatureStatus> statuses = rpc.getSignatureStatuses(unanswered.stream().map(SignatureRef::signature).toList(),
				true);
		List<SignatureRef> gone = new ArrayList<>(unanswered.size());
		for (int i = 0; i < unanswered.size(); i++) {
			SignatureRef ref = unanswered.get(i);
			if (ref.finalized() || statuses.get(i) != null) {
				throw new TransactionNotYetAvailableException(ref.signature());
			}
			gone.add(ref);
		}
		return gone;
	}

	private List<FetchedTransaction> fetch(List<String> signatures) {
		List<CompletableFuture<List<FetchedTransaction>>> batches = new ArrayList<>();
		for (int from = 0; from < signatures.size(); from += batchSize) {
			List<String> batch = signatures.subList(from, Math.min(signatures.size(), from + batchSize));
			batches.add(CompletableFuture.supplyAsync(() -> rpc.getTransactions(batch, "confirmed"), fetchers));
		}
		List<FetchedTransaction> answers = new ArrayList<>(signatures.size());
		try {
			for (CompletableFuture<List<FetchedTransaction>> batch : batches) {
				answers.addAll(batch.join());
			}
		}
		catch (CompletionException ex) {
			batches.forEach(batch -> batch.cancel(false));
			throw ex.getCause() instanceof RuntimeException runtime ? runtime : ex;
		}
		return answers;
	}

	/** getTransaction returned nothing for a signature the node listed; worth a retry. */
	static final class TransactionNotYetAvailableException extends RuntimeException {

		TransactionNotYetAvailableException(String signature) {
			super("getTransaction returned null for listed signature " + signature);
		}
	}
}
