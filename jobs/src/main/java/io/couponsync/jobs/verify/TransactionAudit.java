package io.couponsync.jobs.verify;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.ListedSignature;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingRepository.Standing;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.verify.AuditReport.Finding;

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

	private final StagingRepository staging;

	private final SolanaRpcClient rpc;

	private final String programId;

	TransactionAudit(MongoDatabase database, StagingRepository staging, SolanaRpcClient rpc, String programId) {
		this.database = database;
		this.staging = staging;
		this.rpc = rpc;
		this.programId = programId;
	}

	/** Audits slots {@code fromSlot} to {@code throughSlot} (at or below the finalized slot). */
	void audit(long fromSlot, long throughSlot, AuditReport report) {
		Set<String> onChain = new HashSet<>();
		String before = null;
		long beforeSlot = 0;
		boolean reachedStart = false;
		int pages = 0;
		while (!reachedStart) {
			// why: minContextSlot, or a node behind the last page's would answer an empty page for a before it lacks
			List<ListedSignature> page = rpc.getSignaturesForAddress(programId, before, null, SolanaRpcClient.MAX_SIGNATURES_PAGE,
					ChainCommitment.FINALIZED.value(), beforeSlot);
			// why: only an empty page is the end; providers cap pages below the 1,000 asked for
			if (page.isEmpty()) {
				break;
			}
			Map<String, Long> slots = new HashMap<>();
			for (ListedSignature entry : page) {
				long slot = entry.slot();
				if (slot < fromSlot) {
					reachedStart = true;
					break;
				}
				if (slot <= throughSlot) {
					slots.put(entry.signature(), slot);
					if (entry.failed()) {
						report.count("transactions: failed on chain", 1);
					}
				}
			}
			checkStaged(slots, report);
			onChain.addAll(slots.keySet());
			before = page.get(page.size() - 1).signature();
			beforeSlot = page.get(page.size() - 1).slot();
			if (++pages % 100 == 0) {
				log.info("verify: {} finalized signatures checked so far", onChain.size());
			}
		}
		report.count("transactions: finalized on chain", onChain.size());
		checkNotOnChain(onChain, fromSlot, throughSlot, report);
		checkDroppedHaveNoEvents(fromSlot, report);
	}

	/** One query per page: each signature staged at its slot, applied and finalized. */
	private void checkStaged(Map<String, Long> slots, AuditReport report) {
		if (slots.isEmpty()) {
			return;
		}
		Map<String, Standing> staged = staging.standing(slots.keySet());
		slots.forEach((signature, chainSlot) -> {
			Standing standing = staged.get(signature);
			if (standing == null) {
				report.add(Finding.MISSING_TRANSACTION, signature + " (slot " + chainSlot + ")");
			}
			else if (standing.slot() != chainSlot) {
				report.add(Finding.TRANSACTION_AT_ANOTHER_SLOT,
						signature + " staged at slot " + standing.slot() + ", on chain at " + chainSlot);
			}
			else if (standing.status() != StagingStatus.APPLIED || standing.commitment() != ChainCommitment.FINALIZED) {
				report.add(Finding.UNSETTLED_TRANSACTION, signature + " (slot " + standing.slot() + ") is "
						+ standing.status().value() + ", " + standing.commitment().value());
			}
			else {
				report.count("transactions: staged, applied and finalized", 1);
			}
		});
	}

	private void checkNotOnChain(Set<String> onChain, long fromSlot, long throughSlot, AuditReport report) {
		for (Standing standing : staging.liveInSlots(fromSlot, throughSlot)) {
			if (!onChain.contains(standing.signature())) {
				report.add(Finding.TRANSACTION_NOT_ON_CHAIN, standing.signature() + " staged at slot "
						+ standing.slot() + " is " + standing.status().value());
			}
		}
	}

	private void checkDroppedHaveNoEvents(long fromSlot, AuditReport report) {
		List<String> dropped = staging.droppedFrom(fromSlot);
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
