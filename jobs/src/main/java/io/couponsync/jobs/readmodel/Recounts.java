package io.couponsync.jobs.readmodel;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;

/**
 * What both writers of the read model do besides setting fields: the counters' increments (and decrements) events
 * make, and the histories they touch — coupons' transfers (recomputed from the log after a fork) and users' awarded
 * badges.
 */
public final class Recounts {

	private final ChainEventLog log;

	private final ReadModelStore store;

	private final Projections projections;

	private final DerivedHistories histories;

	private final AwardedBadges badges;

	public Recounts(ChainEventLog log, ReadModelStore store, Projections projections, DerivedHistories histories,
			AwardedBadges badges) {
		this.log = log;
		this.store = store;
		this.projections = projections;
		this.histories = histories;
		this.badges = badges;
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

	/**
	 * What these (not yet counted) events add to the counters, plus a zero increment for every touched counter, so a
	 * document shows a counter at 0 before anything counts into it.
	 */
	public CounterJournal.Increments increments(List<ChainEvent> uncounted, Map<String, Set<String>> touched) {
		CounterJournal.Increments increments = new CounterJournal.Increments();
		Map<String, CounterSpec> byName = new LinkedHashMap<>();
		projections.counters().forEach(counter -> byName.put(counter.name(), counter));
		for (CounterSpec counter : projections.counters()) {
			touched.getOrDefault(counter.name(), Set.of()).forEach(key -> increments.add(counter.collection(),
					counter.documentId().apply(key), counter.field(), 0, null));
		}
		for (ChainEvent event : uncounted) {
			for (Document contribution : ChainEventLog.contributions(event, projections.counters())) {
				String counterKey = contribution.getString("k");
				int bar = counterKey.indexOf('|');
				CounterSpec counter = byName.get(counterKey.substring(0, bar));
				increments.add(counter.collection(), counter.documentId().apply(counterKey.substring(bar + 1)),
						counter.field(), contribution.getLong("v"), event.version());
			}
		}
		return increments;
	}

	/** The increments that take these (counted) events back out of the counters: a fork dropped them. */
	public CounterJournal.Increments decrements(List<ChainEvent> counted) {
		CounterJournal.Increments decrements = new CounterJournal.Increments();
		increments(counted, Map.of()).forEach((key, field, version, amount) -> decrements.add(key.collection(),
				key.id(), field, -amount, version));
		return decrements;
	}

	/**
	 * Whether a field of a collection is a counter, or set from one ({@link Projections#derivedFields}): maintained
	 * by increments, so a fork's re-read does not set it — the decrements do, the derived field with its counter.
	 */
	public boolean isCounter(String collection, String field) {
		return projections.counters().stream()
			.anyMatch(counter -> counter.collection().equals(collection) && counter.field().equals(field))
				|| Projections.derivedFields().stream()
					.anyMatch(derived -> derived.collection().equals(collection) && derived.field().equals(field));
	}

	/** Recomputes the touched histories from the log (fork undo). */
	public void writeHistories(Map<String, Set<String>> touched) {
		store.applyUnversioned(histories.recompute(log, touched));
	}

	/** Merges a chunk's events into the histories they touch: coupons' transfers, users' awarded badges. */
	public void mergeHistories(Map<String, Set<String>> touched, List<ChainEvent> events) {
		store.applyUnversioned(histories.merge(store, touched.getOrDefault(Projections.COUPON_TRANSFERS, Set.of()),
				events));
		store.apply(badges.merge(store, events));
		badges.showEmptyWhereAbsent(store, touched.getOrDefault(Projections.USER_BADGES, Set.of()));
	}
}
