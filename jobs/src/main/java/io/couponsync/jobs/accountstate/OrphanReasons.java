package io.couponsync.jobs.accountstate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonValue;

import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Why a document's account is missing on chain, from what the document and the log say about its past:
 * {@code closed} when an event (a field it set, a count it added) or an account read showed the account,
 * {@code dropped-by-fork} when every transaction whose events wrote it was dropped by a fork, {@code never-existed}
 * when nothing ever showed it.
 */
public final class OrphanReasons {

	public static final String CLOSED = ReadModelStore.CLOSED;

	public static final String DROPPED_BY_FORK = "dropped-by-fork";

	public static final String NEVER_EXISTED = "never-existed";

	private final StagingRepository staging;

	public OrphanReasons(StagingRepository staging) {
		this.staging = staging;
	}

	/**
	 * The reason for each document (by id), from the versions it holds (of its fields, and of the events counted into
	 * it): one query of staging by signature for the lot.
	 */
	public Map<String, String> reasons(Collection<BsonDocument> documents) {
		Map<String, Set<String>> signaturesById = new HashMap<>();
		Set<String> signatures = new HashSet<>();
		Set<String> readOnly = new HashSet<>();
		for (BsonDocument document : documents) {
			String id = document.getString("_id").getValue();
			Set<String> own = new HashSet<>();
			boolean read = false;
			// why: the versions of what events counted into the document too — a document only counters wrote (a
			// promotion counted by its coupons' events before its own event) was shown to exist by those events
			List<BsonValue> versions = new ArrayList<>(
					document.getDocument(ReadModelStore.VERSIONS, new BsonDocument()).values());
			versions.addAll(document.getDocument(CounterJournal.COUNTED, new BsonDocument()).values());
			for (BsonValue version : versions) {
				if (!version.isString()) {
					continue;
				}
				String[] parts = version.asString().getValue().split("\\.");
				if (parts.length < 3) {
					continue;
				}
				if (ReadModelStore.ACCOUNT_READ_SOURCES.contains(parts[2])) {
					read = true;
				}
				else {
					own.add(parts[2]);
				}
			}
			signaturesById.put(id, own);
			signatures.addAll(own);
			if (read) {
				readOnly.add(id);
			}
		}
		Map<String, StagingStatus> status = new HashMap<>();
		staging.standing(signatures).forEach((signature, standing) -> status.put(signature, standing.status()));
		Map<String, String> reasons = new HashMap<>();
		signaturesById.forEach((id, own) -> {
			if (!own.isEmpty() && !readOnly.contains(id) && own.stream()
				.allMatch(signature -> status.get(signature) == StagingStatus.DROPPED)) {
				reasons.put(id, DROPPED_BY_FORK);
			}
			else if (own.isEmpty() && !readOnly.contains(id)) {
				reasons.put(id, NEVER_EXISTED);
			}
			else {
				reasons.put(id, CLOSED);
			}
		});
		return reasons;
	}
}
