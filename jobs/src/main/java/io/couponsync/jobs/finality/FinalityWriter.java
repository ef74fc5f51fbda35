package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.batch.SyncGauges;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ReadModelStore;
import tools.jackson.databind.JsonNode;

/**
 * Settles a chunk of up to 256 confirmed transactions with one getSignatureStatuses call (history searched): a
 * finalized one makes the staged transaction, its logged events and every read-model document it last changed
 * finalized; one the cluster no longer knows once its slot is {@code dropMargin} slots behind the finalized slot
 * was dropped by a fork; one it reports at another slot than the one staged was dropped there and landed again,
 * so its effects are undone likewise and it is applied again at its new slot. Where the program has several
 * transactions in one confirmed slot, their positions in the block are recorded (see {@link BlockPositions}).
 * Dropped ones are undone together after the step, so the accounts a fork touched are re-read in as few calls as
 * the protocol allows; until then they stay confirmed, so a crash loses nothing. Commitment comes from the RPC's
 * answers, never from elapsed time.
 */
class FinalityWriter implements ItemWriter<StagedTransaction>, StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(FinalityWriter.class);

	private final SolanaRpcClient rpc;

	private final MongoDatabase database;

	private final ChainEventLog events;

	private final ReadModelStore readModel;

	/** Null when {@code sync.jobs.finality.record-block-order} is off. */
	private final BlockPositions blockPositions;

	private final ForkUndo forkUndo;

	private final long dropMargin;

	private final Counter finalizedCount;

	private final Counter droppedCount;

	private final Counter relandedCount;

	private final SyncGauges gauges;

	private final Set<String> dropped = new LinkedHashSet<>();

	private final Map<String, Long> relanded = new LinkedHashMap<>();

	FinalityWriter(SolanaRpcClient rpc, MongoDatabase database, ChainEventLog events, ReadModelStore readModel,
			BlockPositions blockPositions, ForkUndo forkUndo, long dropMargin, Counter finalizedCount,
			Counter droppedCount, Counter relandedCount, SyncGauges gauges) {
		this.rpc = rpc;
		this.database = database;
		this.events = events;
		this.readModel = readModel;
		this.blockPositions = blockPositions;
		this.forkUndo = forkUndo;
		this.dropMargin = dropMargin;
		this.finalizedCount = finalizedCount;
		this.droppedCount = droppedCount;
		this.relandedCount = relandedCount;
		this.gauges = gauges;
	}

	@Override
	public void write(Chunk<? extends StagedTransaction> chunk) {
		List<String> signatures = new ArrayList<>();
		chunk.forEach(transaction -> signatures.add(transaction.signature()));
		List<JsonNode> statuses = rpc.getSignatureStatuses(signatures, true);
		long finalizedSlot = -1; // asked only when a status is missing
		List<String> finalized = new ArrayList<>();
		Set<Long> onChain = new TreeSet<>();
		for (int i = 0; i < signatures.size(); i++) {
			JsonNode status = statuses.get(i);
			StagedTransaction transaction = chunk.getItems().get(i);
			if (status != null && !status.isNull()) {
				long slot = status.path("slot").asLong(transaction.slot());
				if (slot != transaction.slot()) {
					// a fork dropped the slot it was staged at, and the cluster landed it again elsewhere
					relanded.put(transaction.signature(), slot);
					continue;
				}
				if (!"processed".equals(status.path("confirmationStatus").asString("processed"))) {
					onChain.add(slot);
				}
				if ("finalized".equals(status.path("confirmationStatus").asString(null))) {
					finalized.add(transaction.signature());
				}
			}
			else {
				if (finalizedSlot < 0) {
					finalizedSlot = rpc.getSlot("finalized");
				}
				if (finalizedSlot - transaction.slot() > dropMargin) {
					dropped.add(transaction.signature());
				}
			}
		}
		if (blockPositions != null) {
			blockPositions.record(onChain);
		}
		if (!finalized.isEmpty()) {
			markFinalized(finalized);
			finalizedCount.increment(finalized.size());
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution step) {
		if (!dropped.isEmpty() || !relanded.isEmpty()) {
			List<String> undone = new ArrayList<>(dropped);
			undone.addAll(relanded.keySet());
			forkUndo.undo(undone, Map.copyOf(relanded));
			droppedCount.increment(dropped.size());
			relandedCount.increment(relanded.size());
			dropped.clear();
			relanded.clear();
		}
		if (readModel.hasUnfinalizedResyncs()) {
			readModel.finalizeResyncs(rpc.getSlot(ChainCommitment.FINALIZED.value()));
		}
		reportUnresolved();
		if (blockPositions != null && blockPositions.requeued() > 0) {
			log.info("Block order recorded from {} blocks; {} applied transactions queued to be applied again in it",
					blockPositions.blocksRead(), blockPositions.requeued());
		}
		return step.getExitStatus();
	}

	private void reportUnresolved() {
		var staging = database.getCollection(MongoStagingRepository.COLLECTION);
		var confirmed = Filters.and(Filters.eq("commitment", ChainCommitment.CONFIRMED.value()),
				Filters.ne("status", "dropped"));
		var oldest = staging.find(confirmed).sort(com.mongodb.client.model.Sorts.ascending("receivedAt")).first();
		long age = oldest == null || oldest.getDate("receivedAt") == null ? 0
				: (System.currentTimeMillis() - oldest.getDate("receivedAt").getTime()) / 1000;
		gauges.settled(staging.countDocuments(confirmed), age);
	}

	private void markFinalized(List<String> signatures) {
		database.getCollection(MongoStagingRepository.COLLECTION).updateMany(
				Filters.and(Filters.in("_id", signatures), Filters.eq("commitment", ChainCommitment.CONFIRMED.value())),
				Updates.combine(Updates.set("commitment", ChainCommitment.FINALIZED.value()),
						Updates.set("finalizedAt", new Date())));
		events.markFinalized(signatures);
		readModel.markFinalized(signatures);
	}
}
