package io.couponsync.jobs.applyevents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.BsonInt64;
import org.bson.Document;
import org.bson.conversions.Bson;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.CounterSpec;
import io.couponsync.jobs.readmodel.DerivedHistories;
import io.couponsync.jobs.readmodel.EventProjection;
import io.couponsync.jobs.readmodel.ProjectionContext;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelChanges;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Writes a chunk in steps that are each idempotent, so a crash between any two leaves nothing a re-run does not
 * repair: (1) append the events to {@code chain_events}; (2) set the fields the events change, each guarded by
 * its change version; (3) recount the counters the events touch from the log; (4) recompute derived histories;
 * (5) mark the staged transactions applied. No step needs a multi-document transaction.
 */
class ReadModelWriter implements ItemWriter<DecodedTransaction> {

	private final ChainEventLog log;

	private final ReadModelStore store;

	private final Projections projections;

	private final DerivedHistories histories;

	private final MongoCollection<Document> staging;

	private final ProjectionContextFactory contexts;

	private final WriterCheckpoint checkpoint;

	private final long jobExecutionId;


	/** Makes a fresh context per chunk. */
	interface ProjectionContextFactory {

		ProjectionContext create();
	}

	ReadModelWriter(ChainEventLog log, ReadModelStore store, Projections projections, DerivedHistories histories,
			MongoCollection<Document> staging, ProjectionContextFactory contexts, WriterCheckpoint checkpoint,
			long jobExecutionId) {
		this.log = log;
		this.store = store;
		this.projections = projections;
		this.histories = histories;
		this.staging = staging;
		this.contexts = contexts;
		this.checkpoint = checkpoint;
		this.jobExecutionId = jobExecutionId;
	}

	@Override
	public void write(Chunk<? extends DecodedTransaction> chunk) {
		List<ChainEvent> events = new ArrayList<>();
		for (DecodedTransaction transaction : chunk) {
			if (!transaction.failed()) {
				events.addAll(transaction.events());
			}
		}
		events.sort(Comparator.comparing(ChainEvent::version));
		log.append(events, projections.counters());
		checkpoint.reached("events-logged");

		ProjectionContext context = contexts.create();
		for (ChainEvent event : events) {
			EventProjection projection = projections.projection(event.name());
			if (projection == null) {
				throw new IllegalStateException("no projection for event " + event.name());
			}
			context.startEvent(event);
			projection.project(event, context);
		}
		resolveLookups(context);
		store.apply(context.changes());
		checkpoint.reached("fields-written");

		writeCounters(context.touchedCounters());
		checkpoint.reached("counters-written");

		ReadModelChanges derived = histories.recompute(log, context.touchedCounters());
		store.applyUnversioned(derived);
		checkpoint.reached("histories-written");

		markApplied(chunk);
	}


	private void resolveLookups(ProjectionContext context) {
		Map<String, List<ProjectionContext.Lookup>> grouped = new LinkedHashMap<>();
		for (ProjectionContext.Lookup lookup : context.lookups()) {
			grouped.computeIfAbsent(lookup.event() + "/" + lookup.matchField() + "/" + lookup.returnField(),
					key -> new ArrayList<>()).add(lookup);
		}
		for (List<ProjectionContext.Lookup> lookups : grouped.values()) {
			ProjectionContext.Lookup first = lookups.get(0);
			Set<String> values = new LinkedHashSet<>();
			lookups.forEach(lookup -> values.add(lookup.value()));
			Map<String, String> found = log.lookup(first.event(), first.matchField(), values, first.returnField());
			for (ProjectionContext.Lookup lookup : lookups) {
				String result = found.get(lookup.value());
				if (result == null) {
					throw new IllegalStateException("no " + lookup.event() + " with " + lookup.matchField() + " "
							+ lookup.value() + " in the event log");
				}
				lookup.then().accept(result);
			}
		}
	}

	private void writeCounters(Map<String, Set<String>> touched) {
		List<String> counterKeys = new ArrayList<>();
		for (CounterSpec counter : projections.counters()) {
			touched.getOrDefault(counter.name(), Set.of())
				.forEach(key -> counterKeys.add(ChainEventLog.counterKey(counter, key)));
		}
		Map<String, Long> sums = log.totals(counterKeys);
		Map<String, Map<String, Document>> totals = new LinkedHashMap<>();
		for (CounterSpec counter : projections.counters()) {
			for (String key : touched.getOrDefault(counter.name(), Set.of())) {
				long total = sums.getOrDefault(ChainEventLog.counterKey(counter, key), 0L);
				totals.computeIfAbsent(counter.collection(), c -> new LinkedHashMap<>())
					.computeIfAbsent(counter.documentId().apply(key), id -> new Document())
					.append(counter.field(), new BsonInt64(total));
			}
		}
		totals.forEach(store::setCounters);
	}

	/** One updateMany per combination of flags (usually one), each guarded by the allowed previous status. */
	private void markApplied(Chunk<? extends DecodedTransaction> chunk) {
		Map<List<Boolean>, List<String>> byFlags = new LinkedHashMap<>();
		for (DecodedTransaction transaction : chunk) {
			byFlags.computeIfAbsent(List.of(transaction.truncated(), transaction.needsRefetch()),
					flags -> new ArrayList<>()).add(transaction.staged().signature());
		}
		Bson stillReceived = Filters.in("status",
				StagingStatus.allowedBefore(StagingStatus.APPLIED).stream().map(StagingStatus::value).toList());
		Date now = new Date();
		byFlags.forEach((flags, signatures) -> {
			List<Bson> set = new ArrayList<>(List.of(Updates.set("status", StagingStatus.APPLIED.value()),
					Updates.set("appliedAt", now), Updates.set("appliedByJobExecution", jobExecutionId)));
			if (flags.get(0)) {
				set.add(Updates.set("needsAccountResync", true));
			}
			if (flags.get(1)) {
				set.add(Updates.set("needsRefetch", true));
			}
			staging.updateMany(Filters.and(Filters.in("_id", signatures), stillReceived), Updates.combine(set));
		});
	}
}
