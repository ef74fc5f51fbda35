package io.couponsync.jobs.applyevents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.bson.Document;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.jobs.finality.ForkUndos;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.EventProjection;
import io.couponsync.jobs.readmodel.EventReferences;
import io.couponsync.jobs.readmodel.ProjectionContext;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.Recounts;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingRepository.Written;
import java.util.HashMap;

/**
 * Writes a chunk in steps that are each idempotent, so a crash between any two leaves nothing a re-run does not
 * repair: (1) append the events, with the references they need from earlier events, to {@code chain_events} (a
 * transaction whose earlier event is not in the log yet, or whose fork undo a crashed finality run left pending, is
 * held back whole and stays received), new ones not
 * counted yet; (2) set the fields the events change, each guarded by its change version; (3) add the events not
 * counted yet to the counters through the {@link CounterJournal}, which counts each exactly once whatever the order
 * or the repetitions, at a cost that does not grow with history; (4) merge the events into the histories they touch; (5) mark the
 * staged transactions applied. No step needs a multi-document transaction.
 */
class ReadModelWriter implements ItemWriter<DecodedTransaction> {

	private static final Logger logger = LoggerFactory.getLogger(ReadModelWriter.class);


	private final ChainEventLog log;

	private final ReadModelStore store;

	private final Projections projections;

	private final EventReferences references;

	private final Recounts recounts;

	private final StagingRepository staging;

	private final ProjectionContextFactory contexts;

	private final WriterCheckpoint checkpoint;

	private final DeadLetters deadLetters;

	private final CounterJournal journal;

	private final long jobExecutionId;

	private final ForkUndos forkUndos;

	/** Makes a fresh context per chunk. */
	interface ProjectionContextFactory {

		ProjectionContext create();
	}

	ReadModelWriter(ChainEventLog log, ReadModelStore store, Projections projections, EventReferences references,
			Recounts recounts, StagingRepository staging, ProjectionContextFactory contexts,
			WriterCheckpoint checkpoint, DeadLetters deadLetters, CounterJournal journal, long jobExecutionId,
			ForkUndos forkUndos) {
		this.log = log;
		this.store = store;
		this.projections = projections;
		this.references = references;
		this.recounts = recounts;
		this.staging = staging;
		this.contexts = contexts;
		this.checkpoint = checkpoint;
		this.deadLetters = deadLetters;
		this.journal = journal;
		this.jobExecutionId = jobExecutionId;
		this.forkUndos = forkUndos;
	}

	@Override
	public void write(Chunk<? extends DecodedTransaction> chunk) {
		// why: increments a crash left half done are finished before any of this chunk's
		journal.completePending();
		Set<String> undoing = forkUndos.pendingAmong(
				chunk.getItems().stream().map(transaction -> transaction.staged().signature()).toList());
		List<ChainEvent> events = new ArrayList<>();
		for (DecodedTransaction transaction : chunk) {
			if (!transaction.failed() && !undoing.contains(transaction.staged().signature())) {
				events.addAll(transaction.events());
			}
		}
		events.sort(Comparator.comparing(ChainEvent::version));
		Map<String, List<String>> unresolvable = references.unresolvable(events);
		events.removeIf(event -> unresolvable.containsKey(event.signature()));
		EventReferences.Resolved resolved = references.resolve(events);
		Map<String, String> waiting = resolved.waiting();
		Trial trial = project(resolved.events());
		Map<String, List<String>> unprojectable = trial.failures();
		Map<String, List<String>> dead = new LinkedHashMap<>(unresolvable);
		dead.putAll(unprojectable);
		deadLetters.waitedTooLong(waiting, jobExecutionId).forEach((signature, reason) -> dead.put(signature, List.of(reason)));
		List<ChainEvent> applicable = resolved.events().stream()
			.filter(event -> !unprojectable.containsKey(event.signature())).toList();
		Set<String> uncounted = log.append(applicable, projections.counters());
		checkpoint.reached("events-logged");

		ProjectionContext context = unprojectable.isEmpty() ? trial.context() : contexts.create();
		if (!unprojectable.isEmpty()) {
			for (ChainEvent event : applicable) {
				context.startEvent(event);
				projections.projection(event.name()).project(event, context);
			}
		}
		store.apply(context.changes());
		checkpoint.reached("fields-written");

		Document entry = journal.open(UUID.randomUUID().toString(), recounts.increments(
				applicable.stream().filter(event -> uncounted.contains(event.id())).toList(),
				context.touchedCounters()), CounterJournal.FollowUps.countEvents(List.copyOf(uncounted)));
		if (entry != null) {
			checkpoint.reached("journal-written");
			journal.complete(entry, () -> checkpoint.reached("counters-partly-written"));
		}
		checkpoint.reached("counters-written");

		recounts.mergeHistories(context.touchedCounters(), applicable);
		checkpoint.reached("histories-written");

		Map<String, Written> written = written(applicable, context);
		keepFinalized(chunk, written);
		Set<String> notApplied = new java.util.HashSet<>(waiting.keySet());
		notApplied.addAll(dead.keySet());
		notApplied.addAll(undoing);
		markApplied(chunk, notApplied, written);
		deadLetters.record(chunk, dead, jobExecutionId);
		waiting.keySet().removeAll(dead.keySet());
		if (!undoing.isEmpty()) {
			logger.info("{} transactions wait for the fork undo a finality run left unfinished (e.g. {}); they stay "
					+ "received until it is done", undoing.size(), undoing.iterator().next());
		}
		if (!waiting.isEmpty()) {
			logger.warn("{} transactions wait for an earlier event not in the log yet (e.g. {}: {}); they stay "
					+ "received and are applied again by the next run", waiting.size(),
					waiting.keySet().iterator().next(), waiting.values().iterator().next());
		}
	}

	/** A first projection of the chunk's events: the transactions that failed it, and what it collected. */
	private record Trial(Map<String, List<String>> failures, ProjectionContext context) {
	}

	/**
	 * Projects each transaction's events on its own, so that one whose events cannot be projected — an event with
	 * no projection, a missing field, an unexpected value, also in the fields its counters read — is found before
	 * anything is written and goes to the dead letters with the reason, while the rest of the chunk applies. When
	 * none fails, what it collected is the chunk's projection; otherwise a failed transaction may have left part of
	 * its changes in it, and the rest are projected again (pure computations, no I/O).
	 */
	private Trial project(List<ChainEvent> events) {
		Map<String, List<String>> failures = new LinkedHashMap<>();
		ProjectionContext trial = contexts.create();
		for (ChainEvent event : events) {
			if (failures.containsKey(event.signature())) {
				continue;
			}
			EventProjection projection = projections.projection(event.name());
			try {
				if (projection == null) {
					throw new IllegalArgumentException("no projection in the read model");
				}
				trial.startEvent(event);
				projection.project(event, trial);
				ChainEventLog.contributions(event, projections.counters());
			}
			catch (RuntimeException ex) {
				failures.put(event.signature(), List.of("event " + event.index() + ", " + event.name()
						+ ", cannot be projected: " + ex));
			}
		}
		return new Trial(failures, trial);
	}

	/** What each transaction of the chunk wrote: its events' ids and the documents whose fields it set. */
	private static Map<String, Written> written(List<ChainEvent> applied, ProjectionContext context) {
		Map<String, List<String>> events = new LinkedHashMap<>();
		applied.forEach(event -> events.computeIfAbsent(event.signature(), s -> new ArrayList<>()).add(event.id()));
		Map<String, Written> written = new HashMap<>();
		events.forEach((signature, ids) -> {
			Map<String, List<String>> documents = new LinkedHashMap<>();
			context.writtenBy(signature).forEach((collection, keys) -> documents.put(collection, List.copyOf(keys)));
			written.put(signature, new Written(ids, documents));
		});
		return written;
	}

	/**
	 * Documents this chunk changed carry commitment confirmed; where the transaction behind the change was already
	 * final when read (a replay, a requeued dead letter, one applied again in block order) the finality job will
	 * not come back for it, so they are marked here. No extra read: staging's answer at read time is enough while
	 * jobs run one at a time.
	 */
	private void keepFinalized(Chunk<? extends DecodedTransaction> chunk, Map<String, Written> written) {
		Map<String, Written> finalized = new HashMap<>();
		for (DecodedTransaction transaction : chunk) {
			String signature = transaction.staged().signature();
			if (transaction.staged().commitment() == ChainCommitment.FINALIZED && written.containsKey(signature)) {
				finalized.put(signature, written.get(signature));
			}
		}
		if (!finalized.isEmpty()) {
			log.markFinalized(finalized.values());
			store.markFinalized(finalized);
		}
	}

	/**
	 * Marks the chunk applied, with what each transaction wrote (staging's markApplied: guarded by the allowed
	 * previous status and, for transactions applied without their block position, by the position still being
	 * unknown). Transactions waiting for an earlier event stay received.
	 */
	private void markApplied(Chunk<? extends DecodedTransaction> chunk, Set<String> waiting,
			Map<String, Written> written) {
		List<StagingRepository.Applied> applied = new ArrayList<>();
		for (DecodedTransaction transaction : chunk) {
			String signature = transaction.staged().signature();
			if (!waiting.contains(signature)) {
				applied.add(new StagingRepository.Applied(signature, transaction.truncated(),
						transaction.needsRefetch(), transaction.staged().positionInBlock() != null,
						written.getOrDefault(signature, Written.NOTHING)));
			}
		}
		staging.markApplied(applied, jobExecutionId);
	}
}
