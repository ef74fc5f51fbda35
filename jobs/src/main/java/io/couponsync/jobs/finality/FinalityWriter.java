package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.rpc.SignatureStatus;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.jobs.blockorder.BlockPositions;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.chain.staging.StagingRepository.Written;

/**
 * Settles a chunk of up to 256 confirmed transactions with one getSignatureStatuses call (history searched): a
 * finalized one makes the staged transaction, its logged events and every read-model document it last changed
 * finalized (staging last, so that a crash leaves the chunk to be read again); one the cluster no longer knows once
 * its slot is {@code dropMargin} slots behind the finalized slot, by a node that has reached that slot, was dropped
 * by a fork; one it reports at another slot than the one staged was dropped there and landed again.
 * Those two are only recorded here ({@link ForkUndos}); the fork-undo step that follows takes their effects out, so
 * until then they stay as they are and a crash loses nothing. Where the program has several transactions in one
 * confirmed slot, their positions in the block are recorded (see {@link BlockPositions}). Commitment comes from the
 * RPC's answers, never from elapsed time.
 */
class FinalityWriter implements ItemWriter<StagedTransaction> {

	private static final Logger log = LoggerFactory.getLogger(FinalityWriter.class);

	private final SolanaRpcClient rpc;

	private final StagingRepository staging;

	private final ChainEventLog events;

	private final ReadModelStore readModel;

	/** Null when {@code sync.jobs.finality.record-block-order} is off. */
	private final BlockPositions blockPositions;

	private final ForkUndos undos;

	private final long dropMargin;

	private final Counter finalizedCount;

	private final WriterCheckpoint checkpoint;

	FinalityWriter(SolanaRpcClient rpc, StagingRepository staging, ChainEventLog events, ReadModelStore readModel,
			BlockPositions blockPositions, ForkUndos undos, long dropMargin, Counter finalizedCount,
			WriterCheckpoint checkpoint) {
		this.rpc = rpc;
		this.staging = staging;
		this.events = events;
		this.readModel = readModel;
		this.blockPositions = blockPositions;
		this.undos = undos;
		this.dropMargin = dropMargin;
		this.finalizedCount = finalizedCount;
		this.checkpoint = checkpoint;
	}

	@Override
	public void write(Chunk<? extends StagedTransaction> chunk) {
		List<String> signatures = new ArrayList<>();
		chunk.forEach(transaction -> signatures.add(transaction.signature()));
		SolanaRpcClient.SignatureStatuses answer = rpc.signatureStatuses(signatures, true);
		List<SignatureStatus> statuses = answer.statuses();
		long finalizedSlot = -1; // asked only when a status is missing
		int unknownToALaggingNode = 0;
		List<String> finalized = new ArrayList<>();
		Map<String, Long> forked = new LinkedHashMap<>();
		Set<Long> onChain = new TreeSet<>();
		for (int i = 0; i < signatures.size(); i++) {
			SignatureStatus status = statuses.get(i);
			StagedTransaction transaction = chunk.getItems().get(i);
			if (status != null) {
				long slot = status.slot();
				if (slot != transaction.slot()) {
					// a fork dropped the slot it was staged at, and the cluster landed it again elsewhere
					forked.put(transaction.signature(), slot);
					continue;
				}
				if (status.confirmationStatus().confirmed()) {
					onChain.add(slot);
				}
				if (status.confirmationStatus().finalized()) {
					finalized.add(transaction.signature());
				}
			}
			else {
				if (finalizedSlot < 0) {
					finalizedSlot = rpc.getSlot("finalized");
				}
				if (finalizedSlot - transaction.slot() > dropMargin) {
					// why: getSlot and getSignatureStatuses may reach different nodes behind a load balancer; a node
					// that has not reached the finalized slot may simply not have replayed this one yet
					// (an answer naming no context slot, off the protocol, is taken as it was before this check)
					if (answer.contextSlot() >= finalizedSlot || answer.contextSlot() < 0) {
						forked.put(transaction.signature(), null);
					}
					else {
						unknownToALaggingNode++;
					}
				}
			}
		}
		if (unknownToALaggingNode > 0) {
			log.warn("{} staged transactions are unknown to the node that answered getSignatureStatuses, but it was at "
					+ "slot {}, behind the finalized slot {}: not judged dropped, asked again next run",
					unknownToALaggingNode, answer.contextSlot(), finalizedSlot);
		}
		undos.record(forked);
		if (blockPositions != null) {
			blockPositions.record(onChain);
		}
		if (!finalized.isEmpty()) {
			// staging last: the reader selects confirmed transactions, so a crash before it leaves the chunk to be
			// read again and its marks (idempotent) made again; staging first would strand them confirmed
			Map<String, Written> written = staging.writtenBy(finalized);
			events.markFinalized(written.values());
			checkpoint.reached("finality-events-marked");
			readModel.markFinalized(written);
			checkpoint.reached("finality-documents-marked");
			staging.markFinalized(finalized);
			finalizedCount.increment(finalized.size());
		}
	}
}
