package io.couponsync.jobs.accountstate;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;

import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Why a document's account is missing on chain, from what the document and the log say about its past:
 * {@code closed} when an event or an account read showed the account, {@code dropped-by-fork} when every
 * transaction whose events wrote it was dropped by a fork, {@code never-existed} when nothing ever showed it.
 */
public final class OrphanReasons {

	public static final String CLOSED = ReadModelStore.CLOSED;

	public static final String DROPPED_BY_FORK = "dropped-by-fork";

	public static final String NEVER_EXISTED = "never-existed";

	private final MongoCollection<Document> events;

	private final StagingRepository staging;

	public OrphanReasons(MongoDatabase database, StagingRepository staging) {
		this.events = database.getCollection(ChainEventLog.COLLECTION);
		this.staging = staging;
	}

	/** The reason for each document (by id); two queries for the lot, each served by an index. */
	public Map<String, String> reasons(Collection<BsonDocument> documents) {
		Map<String, Set<String>> signaturesById = new HashMap<>();
		Set<String> signatures = new HashSet<>();
		Set<String> readOnly = new HashSet<>();
		for (BsonDocument document : documents) {
			String id = document.getString("_id").getValue();
			Set<String> own = new HashSet<>();
			boolean read = false;
			for (BsonValue version : document.getDocument(ReadModelStore.VERSIONS, new BsonDocument()).values()) {
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
		Set<String> unversioned = new HashSet<>();
		signaturesById.forEach((id, own) -> {
			if (own.isEmpty() && !readOnly.contains(id)) {
				unversioned.add(id);
			}
		});
		Set<String> mentioned = new HashSet<>();
		if (!unversioned.isEmpty()) {
			events.find(Filters.in("subject", unversioned)).projection(Projections.include("subject"))
				.forEach(event -> mentioned.add(event.getString("subject")));
		}
		Map<String, String> reasons = new HashMap<>();
		signaturesById.forEach((id, own) -> {
			if (!own.isEmpty() && !readOnly.contains(id) && own.stream()
				.allMatch(signature -> status.get(signature) == StagingStatus.DROPPED)) {
				reasons.put(id, DROPPED_BY_FORK);
			}
			else if (unversioned.contains(id) && !mentioned.contains(id)) {
				reasons.put(id, NEVER_EXISTED);
			}
			else {
				reasons.put(id, CLOSED);
			}
		});
		return reasons;
	}
}
