package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.ProjectionContext;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelChanges;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.Recounts;
import tools.jackson.databind.JsonNode;

/**
 * Takes the effects of fork-dropped transactions out of the read model: finds every document and counter their
 * events touched (by projecting them again), forgets the events, marks the transactions dropped (or, landed again
 * in another slot, staged there to be applied again), re-reads every
 * touched account from chain (getMultipleAccounts, 100 per call) and rewrites its document from that state — or
 * marks it orphaned ({@code dropped-by-fork}) when the account does not exist — then recounts from the log.
 */
final class ForkUndo {

	private static final Logger log = LoggerFactory.getLogger(ForkUndo.class);

	static final String ORPHAN_REASON = "dropped-by-fork";

	private final MongoDatabase database;

	private final ChainEventLog events;

	private final Projections projections;

	private final ReadModelStore store;

	private final Recounts recounts;

	private final PdaResolver pdas;

	private final ProgramDecoder decoder;

	private final SolanaRpcClient rpc;

	ForkUndo(MongoDatabase database, ChainEventLog events, Projections projections, ReadModelStore store,
			Recounts recounts, PdaResolver pdas, ProgramDecoder decoder, SolanaRpcClient rpc) {
		this.database = database;
		this.events = events;
		this.projections = projections;
		this.store = store;
		this.recounts = recounts;
		this.pdas = pdas;
		this.decoder = decoder;
		this.rpc = rpc;
	}

	/**
	 * Undoes {@code signatures}; those in {@code relanded} (signature → slot) the cluster has since landed again
	 * in another slot, so they are not dropped but staged at their new slot to be applied again (their position
	 * in the new block unknown). Returns how many read-model documents were re-read and how many became orphans.
	 */
	int[] undo(List<String> signatures, Map<String, Long> relanded) {
		ProjectionContext touched = new ProjectionContext(pdas);
		for (ChainEvent event : events.events(signatures)) {
			touched.startEvent(event);
			projections.projection(event.name()).project(event, touched);
		}
		Set<DocumentKey> documents = new LinkedHashSet<>(touched.changes().documents().keySet());
		// why: a counter's document may exist only because of the dropped events (its creation never staged)
		documents.addAll(recounts.counterDocuments(touched.touchedCounters()));

		events.delete(signatures);
		List<String> dropped = signatures.stream().filter(signature -> !relanded.containsKey(signature)).toList();
		var staging = database.getCollection(MongoStagingRepository.COLLECTION);
		if (!dropped.isEmpty()) {
			staging.updateMany(Filters.in("_id", dropped),
					Updates.combine(Updates.set("status", StagingStatus.DROPPED.value()),
							Updates.set("commitment", ChainCommitment.DROPPED.value()),
							Updates.set("droppedAt", new Date()), Updates.unset("needsRefetch")));
		}
		if (!relanded.isEmpty()) {
			List<WriteModel<Document>> moves = new ArrayList<>();
			relanded.forEach((signature, slot) -> moves.add(new UpdateOneModel<>(
					Filters.eq("_id", signature),
					Updates.combine(Updates.set("slot", slot), Updates.unset("positionInBlock"),
							Updates.set("status", StagingStatus.RECEIVED.value()),
							Updates.set("commitment", ChainCommitment.CONFIRMED.value()),
							// why: landed again it ran again — other clock, other state — so its logs may differ
							Updates.set("needsRefetch", true), Updates.set("relandedAt", new Date())))));
			staging.bulkWrite(moves, new BulkWriteOptions().ordered(false));
		}

		Map<String, DocumentKey> accounts = new LinkedHashMap<>();
		List<DocumentKey> orphans = new ArrayList<>();
		for (DocumentKey key : documents) {
			if (!Projections.NOT_ACCOUNTS.contains(key.collection())) {
				accounts.put(key.id(), key);
			}
			else if (!stillDescribed(key)) {
				orphans.add(key);
			}
		}
		ReadModelChanges resynced = new ReadModelChanges();
		long readSlot = accounts.isEmpty() && orphans.isEmpty() ? 0 : rpc.getSlot("confirmed");
		if (!accounts.isEmpty()) {
			ChangeVersion chainState = ChangeVersion.endOfSlot(readSlot, ReadModelStore.RESYNC_SOURCE);
			List<String> addresses = new ArrayList<>(accounts.keySet());
			List<JsonNode> states = rpc.getMultipleAccounts(addresses, "confirmed");
			for (int i = 0; i < addresses.size(); i++) {
				DocumentKey key = accounts.get(addresses.get(i));
				JsonNode state = states.get(i);
				if (state == null || state.isNull()) {
					orphans.add(key);
					continue;
				}
				BsonDocument fields = decode(key, state);
				for (Map.Entry<String, BsonValue> field : fields.entrySet()) {
					resynced.set(key.collection(), key.id(), field.getKey(), field.getValue(), chainState);
				}
			}
		}
		store.resync(resynced, readSlot);
		store.markOrphaned(orphans, ORPHAN_REASON, readSlot);
		recounts.writeCounters(touched.touchedCounters());
		recounts.writeHistories(touched.touchedCounters());
		log.info("Fork: {} transactions dropped, {} landed again in another slot; {} documents re-read from chain, "
				+ "{} orphaned", dropped.size(), relanded.size(), accounts.size() - (orphans.size() - (documents.size() - accounts.size())),
				orphans.size());
		return new int[] { accounts.size(), orphans.size() };
	}

	/** Whether a document keyed by event data (a staker's summary) still has an event behind it. */
	private boolean stillDescribed(DocumentKey key) {
		return !Projections.STAKERS.equals(key.collection()) || events.mentions("RewardsStaked", "staker", key.id());
	}

	private BsonDocument decode(DocumentKey key, JsonNode state) {
		byte[] data = Base64.getDecoder().decode(state.get("data").get(0).asString());
		BsonValueWriter bson = new BsonValueWriter();
		BsonDocument document = bson.start();
		try {
			decoder.decodeAccount(new BorshInput().reset(data, 0, data.length), bson);
		}
		catch (DecodeException ex) {
			throw new IllegalStateException("account " + key.id() + " of " + key.collection() + " does not decode: "
					+ ex.getMessage(), ex);
		}
		return document;
	}
}
