package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.logs.TransactionEventDecoder;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingRepository.Standing;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.jobs.accountstate.AccountReads;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.EventProjection;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.ProjectionContext;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.Recounts;

/**
 * What an incremental run reads: (1) documents changed since the last run (their {@code lastSlot} past its
 * checkpoint and within the slot the accounts are read at; last written by an event, a fork undo or an orphan mark,
 * not by reconciliation itself), (2) every document the events of transactions with truncated logs touched — what
 * did decode names them, counters included — and (3) the accounts named by whatever decodes in the transactions
 * that went to the dead letters since the last run (and are still dead), read through the staging repository.
 * Each query is served by an index.
 */
final class TouchedAccounts {

	private static final Logger log = LoggerFactory.getLogger(TouchedAccounts.class);

	/** Truncated transactions taken per run; the rest wait for the next. */
	private static final int TRUNCATED_PER_RUN = 10_000;

	/** Addresses to read (address → collection of its document, or null when only the address is known). */
	record Found(Map<String, String> targets, List<String> truncatedSignatures, Date deadLettersThrough) {
	}

	private final MongoDatabase database;

	private final StagingRepository staging;

	private final ChainEventLog events;

	private final io.couponsync.jobs.readmodel.Projections projections;

	private final PdaResolver pdas;

	private final Recounts recounts;

	private final ProgramDecoder decoder;

	private final String programId;

	TouchedAccounts(MongoDatabase database, StagingRepository staging, ChainEventLog events,
			io.couponsync.jobs.readmodel.Projections projections, PdaResolver pdas, Recounts recounts,
			ProgramDecoder decoder, String programId) {
		this.database = database;
		this.staging = staging;
		this.events = events;
		this.projections = projections;
		this.pdas = pdas;
		this.recounts = recounts;
		this.decoder = decoder;
		this.programId = programId;
	}

	/** The index the queries need in each collection: {@code lastSlot} (staging indexes its own). */
	void createIndexes(Collection<String> collections) {
		for (String collection : collections) {
			database.getCollection(collection).createIndex(Indexes.ascending("lastSlot"),
					new IndexOptions().name("last_slot"));
		}
	}

	Found find(long afterSlot, long throughSlot, Date deadLettersAfter, Date now, Collection<String> collections) {
		Map<String, String> targets = new LinkedHashMap<>();
		for (String collection : collections) {
			database.getCollection(collection)
				.find(Filters.and(Filters.gt("lastSlot", afterSlot), Filters.lte("lastSlot", throughSlot),
						Filters.ne("lastSignature", ReadModelStore.RECONCILE_SOURCE),
						Filters.ne(ReadModelStore.ORPHANED, true)))
				.projection(Projections.include("_id"))
				.forEach(document -> targets.putIfAbsent(document.getString("_id"), collection));
		}
		List<String> truncated = staging.needingAccountResync(throughSlot, TRUNCATED_PER_RUN).stream()
			.map(Standing::signature).toList();
		List<ChainEvent> truncatedEvents = truncated.isEmpty() ? List.of() : events.events(truncated);
		for (DocumentKey key : touchedBy(truncatedEvents)) {
			if (collections.contains(key.collection())) {
				targets.putIfAbsent(key.id(), key.collection());
			}
		}
		for (ChainEvent event : truncatedEvents) {
			// why: what decoded names accounts whose changes may be in the events the truncation cut off
			namedKeys(event.data()).forEach(address -> targets.putIfAbsent(address, null));
		}
		Date through = now;
		TransactionEventDecoder eventDecoder = new TransactionEventDecoder(decoder, programId);
		for (StagingRepository.Dead dead : staging.deadBetween(deadLettersAfter.toInstant(), now.toInstant())) {
			if (dead.transaction().slot() > throughSlot) {
				// why: its accounts are not at the commitment read yet; this and later letters wait for the next run
				through = new Date(dead.deadAt().toEpochMilli() - 1);
				break;
			}
			StagedTransaction transaction = dead.transaction();
			if (transaction.unreadable() != null) {
				log.warn("reconcile: dead letter {} cannot be read ({}), so the accounts it names are not known; a "
						+ "full reconcileJob covers them", transaction.signature(), transaction.unreadable());
				continue;
			}
			for (DecodedEvent event : eventDecoder.decode(transaction.logs(), transaction.innerInstructions())
				.events()) {
				List<String> named = new ArrayList<>();
				collectKeys(event.fields(), named);
				named.forEach(address -> targets.putIfAbsent(address, null));
			}
		}
		return new Found(targets, truncated, through);
	}

	/** Every document the logged events of these transactions touch, as projecting them again finds. */
	private List<DocumentKey> touchedBy(List<ChainEvent> logged) {
		if (logged.isEmpty()) {
			return List.of();
		}
		ProjectionContext context = new ProjectionContext(pdas);
		for (ChainEvent event : logged) {
			EventProjection projection = projections.projection(event.name());
			if (projection == null) {
				continue;
			}
			context.startEvent(event);
			try {
				projection.project(event, context);
			}
			catch (RuntimeException ex) {
				log.warn("reconcile: event {} of {} could not be projected again to find its accounts: {}",
						event.name(), event.signature(), ex.getMessage());
			}
		}
		List<DocumentKey> keys = new ArrayList<>(context.changes().documents().keySet());
		keys.addAll(recounts.counterDocuments(context.touchedCounters()));
		return keys;
	}

	/** The values of a logged event (BSON) that are public keys: base58 text of 32 bytes. */
	private static List<String> namedKeys(BsonValue value) {
		List<String> keys = new ArrayList<>();
		if (value.isString()) {
			String text = value.asString().getValue();
			if (AccountReads.isAddress(text)) {
				keys.add(text);
			}
		}
		else if (value.isDocument()) {
			value.asDocument().values().forEach(inner -> keys.addAll(namedKeys(inner)));
		}
		else if (value.isArray()) {
			value.asArray().forEach(inner -> keys.addAll(namedKeys(inner)));
		}
		return keys;
	}

	private static void collectKeys(Object value, List<String> into) {
		if (value instanceof PublicKey key) {
			into.add(key.toBase58());
		}
		else if (value instanceof Map<?, ?> map) {
			map.values().forEach(inner -> collectKeys(inner, into));
		}
		else if (value instanceof Collection<?> list) {
			list.forEach(inner -> collectKeys(inner, into));
		}
	}
}
