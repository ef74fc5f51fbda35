package io.couponsync.jobs.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.rpc.TransactionResponse;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import tools.jackson.databind.JsonNode;

/**
 * Stages the chunk's signatures that staging lacks: one query for which exist, getTransaction for the rest in
 * JSON-RPC batches run with bounded concurrency (with inner instructions, so emit_cpi! events decode), then one
 * insert-if-absent. A listed
 * transaction the node cannot return yet fails the chunk, to be retried, rather than be skipped.
 */
class BackfillStagingWriter implements ItemWriter<SignatureRef> {

	private final SolanaRpcClient rpc;

	private final StagingRepository staging;

	private final ExecutorService fetchers;

	private final int batchSize;

	/**
	 * @param fetchers runs getTransaction batches in parallel, bounding how many are in flight
	 * @param batchSize signatures per batch
	 */
	BackfillStagingWriter(SolanaRpcClient rpc, StagingRepository staging, ExecutorService fetchers, int batchSize) {
		this.rpc = rpc;
		this.staging = staging;
		this.fetchers = fetchers;
		this.batchSize = batchSize;
	}

	@Override
	public void write(Chunk<? extends SignatureRef> chunk) {
		List<String> signatures = new ArrayList<>();
		chunk.forEach(ref -> signatures.add(ref.signature()));
		Set<String> existing = new HashSet<>(staging.existing(signatures));
		List<String> missing = signatures.stream().filter(signature -> !existing.contains(signature)).toList();
		if (missing.isEmpty()) {
			return;
		}
		List<JsonNode> answers = fetch(missing);
		List<StagedTransaction> staged = new ArrayList<>(missing.size());
		Instant now = Instant.now();
		for (int i = 0; i < missing.size(); i++) {
			JsonNode answer = answers.get(i);
			if (answer == null || answer.isNull()) {
				throw new TransactionNotYetAvailableException(missing.get(i));
			}
			staged.add(TransactionResponse.staged(answer, now));
		}
		staging.insertIfAbsent(staged);
	}

	private List<JsonNode> fetch(List<String> signatures) {
		List<CompletableFuture<List<JsonNode>>> batches = new ArrayList<>();
		for (int from = 0; from < signatures.size(); from += batchSize) {
			List<String> batch = signatures.subList(from, Math.min(signatures.size(), from + batchSize));
			batches.add(CompletableFuture.supplyAsync(() -> rpc.getTransactions(batch, "confirmed"), fetchers));
		}
		List<JsonNode> answers = new ArrayList<>(signatures.size());
		try {
			for (CompletableFuture<List<JsonNode>> batch : batches) {
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
