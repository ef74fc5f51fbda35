package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonInt64;
import org.bson.Document;

/**
 * What both writers of the read model do after setting fields: recount the counters and recompute the histories
 * the events touched, from the log as it is now.
 */
public final class Recounts {

	private final ChainEventLog log;

	private final ReadModelStore store;

	private final Projections projections;

	private final DerivedHistories histories;

	public Recounts(ChainEventLog log, ReadModelStore store, Projections projections, DerivedHistories histories) {
		this.log = log;
		this.store = store;
		this.projections = projections;
		this.histories = histories;
	}

	/** The documents the touched counters are written to. */
	public Set<ReadModelChanges.DocumentKey> counterDocuments(Map<String, Set<String>> touched) {
		Set<ReadModelChanges.DocumentKey> documents = new LinkedHashSet<>();
		for (CounterSpec counter : projections.counters()) {
			touched.getOrDefault(counter.name(), Set.of()).forEach(key -> documents.add(
					new ReadModelChanges.DocumentKey(counter.collection(), counter.documentId().apply(key))));
		}
		return documents;
	}

	/** Sets every touched counter to its total over the log, in one aggregation. */
	public void writeCounters(Map<String, Set<String>> touched) {
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

	public void writeHistories(Map<String, Set<String>> touched) {
		store.applyUnversioned(histories.recompute(log, touched));
	}
}
