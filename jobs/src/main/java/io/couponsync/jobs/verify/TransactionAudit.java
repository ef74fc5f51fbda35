package io.couponsync.jobs.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.verify.AuditReport.Finding;
import tools.jackson.databind.JsonNode;

/**
 * Staging against the chain's finalized history: every signature {@code getSignaturesForAddress} lists at
 * {@code finalized} (pages of up to 1,000, newest first, down to an empty page) must be staged at its slot, applied
 * and finalized; every other staged transaction in the same slots must be marked dropped, with no events left in
 * {@code chain_events}. Slots within the settle window below the finalized slot are not judged: the finality job
 * may not have met them yet.
 */
final class TransactionAudit {

	private static final Logger log = LoggerFactory.getLogger(TransactionAudit.class);

	private static final int PROBE_BATCH = 1000;

	private final MongoDatabase database;

	private final SolanaRpcClient rpc;

	private final String programId;

	TransactionAudit(MongoDatabase database, SolanaRpcClient rpc, String programId) {
		this.database = database;
		this.rpc = rpc;
		this.programId = programId;
	}

	/** Audits slots {@code fromSlot} to {@code throughSlot} (at or below the finalized slot). */
	void audit(long fromSlot, long throughSlot, AuditReport report) {
		MongoCollection<Document> staging = database.getCollection(MongoStagingRepository.COLLECTION);
		Set<String> onChain = new HashSet<>();
		String before = null;
		boolean reachedStart = false;
		int pages = 0;
		while (!reachedStart) {
			JsonNode page = rpc.getSignaturesForAddress(programId, before, null, SolanaRpcClient.MAX_SIGNATURES_PAGE,
					ChainCommitment.FINALIZED.value());
			// why: only an empty page is the end; providers cap pages below the 1,000 asked for
			if (page.isEmpty()) {
				break;
			}
			Map<String, Long> slots = new HashMap<>();
			for (JsonNode entry : page) {
				long slot = entry.path("slot").asLong();
				if (slot < fromSlot) {
					reachedStart = true;
					break;
				}
				if (slot <= throughSlot) {
					slots.put(entry.path("signature").asString(), slot);
					if (!entry.path("err").isNull() && !entry.path("err").isMissingNode()) {
						report.count("transactions: failed on chain", 1);
					}
				}
			}
			checkStaged(slots, staging, report);
			onChain.addAll(slots.keySet());
			before = page.get(page.size() - 1).path("signature").asString();
			if (++pages % 100 == 0) {
				log.info("verify: {} finalized signatures checked so far", onChain.size());
			}
		}
		report.count("transactions: finalized on chain", onChain.size());
		checkNotOnChain(onChain, fromSlot, throughSlot, staging, report);
		checkDroppedHaveNoEvents(fromSlot, staging, report);
	}

	/** One query per page: each signature staged at its slot, applied and finalized. */
	private static void checkStaged(Map<String, Long> slots, MongoCollection<Document> staging, AuditReport report) {
		if (slots.isEmpty()) {
			return;
		}
		Set<String> seen = new HashSet<>();
		for (Document staged : staging.find(Filters.in("_id", slots.keySet()))
			.projection(Projections.include("slot", "status", "commitment"))) {
			String signature = staged.getString("_id");
			seen.add(signature);
			long slot = staged.get("slot", Number.class).longValue();
			String status = staged.getString("status");
			String commitment = staged.getString("commitment");
			if (slot != slots.get(signature)) {
				report.add(Finding.TRANSACTION_AT_ANOTHER_SLOT,
						signature + " staged at slot " + slot + ", on chain at " + slots.get(signature));
			}
			else if (!StagingStatus.APPLIED.value().equals(status)
					|| !ChainCommitment.FINALIZED.value().equals(commitment)) {
				report.add(Finding.UNSETTLED_TRANSACTION, signature + " (slot " + slot + ") is " + status + ", "
						+ commitment);
			}
			else {
				report.count("transactions: staged, applied and finalized", 1);
			}
		}
		slots.forEach((signature, slot) -> {
			if (!seen.contains(signature)) {
				report.add(Finding.MISSING_TRANSACTION, signature + " (slot " + slot + ")");
			}
		});
	}

	private static void checkNotOnChain(Set<String> onChain, long fromSlot, long throughSlot,
			MongoCollection<Document> staging, AuditReport report) {
		for (Document staged : staging
			.find(Filters.and(Filters.gte("slot", fromSlot), Filters.lte("slot", throughSlot),
					Filters.ne("status", StagingStatus.DROPPED.value())))
			.projection(Projections.include("slot", "status"))) {
			if (!onChain.contains(staged.getString("_id"))) {
				report.add(Finding.TRANSACTION_NOT_ON_CHAIN, staged.getString("_id") + " staged at slot "
						+ staged.get("slot") + " is " + staged.getString("status"));
			}
		}
	}

	private void checkDroppedHaveNoEvents(long fromSlot, MongoCollection<Document> staging, AuditReport report) {
		List<String> dropped = staging
			.find(Filters.and(Filters.gte("slot", fromSlot), Filters.eq("status", StagingStatus.DROPPED.value())))
			.projection(Projections.include("_id"))
			.map(document -> document.getString("_id"))
			.into(new ArrayList<>());
		report.count("transactions: dropped by forks", dropped.size());
		MongoCollection<Document> events = database.getCollection(ChainEventLog.COLLECTION);
		for (int from = 0; from < dropped.size(); from += PROBE_BATCH) {
			List<String> batch = dropped.subList(from, Math.min(dropped.size(), from + PROBE_BATCH));
			for (String signature : events.distinct("signature", Filters.in("signature", batch), String.class)) {
				report.add(Finding.EVENTS_OF_DROPPED_TRANSACTION, signature);
			}
		}
	}
}
