package io.couponsync.jobs.accountstate;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
		Map<String, Set<String>> countedById = new HashMap<>();
		Set<String> countsLeft = new HashSet<>();
		for (BsonDocument document : documents) {
			String id = document.getString("_id").getValue();
			Set<String> own = new HashSet<>();
			Set<String> counted = new HashSet<>();
			boolean read = false;
			for (BsonValue version : document.getDocument(ReadModelStore.VERSIONS, new BsonDocument()).values()) {
				String source = sourceOf(version);
				if (source != null && ReadModelStore.ACCOUNT_READ_SOURCES.contains(source)) {
					read = true;
				}
				else if (source != null) {
					own.add(source);
				}
			}
			// why: the counters' versions name the newest event counted into each: a document only counters wrote
			// (a promotion counted by its coupons' events before its own event) was shown to exist by those events.
			// Only the newest is kept, so a dropped one proves nothing while the count it left is not zero.
			for (Map.Entry<String, BsonValue> counter : document.getDocument(CounterJournal.COUNTED, new BsonDocument())
				.entrySet()) {
				String source = sourceOf(counter.getValue());
				if (source != null && ReadModelStore.ACCOUNT_READ_SOURCES.contains(source)) {
					read = true;
				}
				else if (source != null) {
					counted.add(source);
				}
				BsonValue count = document.get(counter.getKey());
				if (count != null && count.isNumber() && count.asNumber().doubleValue() != 0) {
					countsLeft.add(id);
				}
			}
			signaturesById.put(id, own);
			countedById.put(id, counted);
			signatures.addAll(own);
			signatures.addAll(counted);
			if (read) {
				readOnly.add(id);
			}
		}
		Map<String, StagingStatus> status = new HashMap<>();
		staging.standing(signatures).forEach((signature, standing) -> status.put(signature, standing.status()));
		Map<String, String> reasons = new HashMap<>();
		signaturesById.forEach((id, own) -> {
			Set<String> counted = countedById.get(id);
			if (readOnly.contains(id)) {
				reasons.put(id, CLOSED);
			}
			else if (own.isEmpty() && counted.isEmpty()) {
				reasons.put(id, NEVER_EXISTED);
			}
			else if (!countsLeft.contains(id) && Stream.concat(own.stream(), counted.stream())
				.allMatch(signature -> status.get(signature) == StagingStatus.DROPPED)) {
				reasons.put(id, DROPPED_BY_FORK);
			}
			else {
				reasons.put(id, CLOSED);
			}
		});
		return reasons;
	}

	/** The signature (or account-read source) of a change version, {@code slot.position.signature.index}. */
	private static String sourceOf(BsonValue version) {
		if (!version.isString()) {
			return null;
		}
		String[] parts = version.asString().getValue().split("\\.");
		return parts.length < 3 ? null : parts[2];
	}
}
