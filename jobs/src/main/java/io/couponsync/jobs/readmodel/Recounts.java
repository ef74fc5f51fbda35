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
			add(increments, byName, ChainEventLog.contributions(event, projections.counters()), event.version(), 1);
		}
		return increments;
	}

	/**
	 * The increments that take these (counted) events back out of the counters: a fork dropped them. Each takes
	 * back what its log entry says it added ({@code logged}, by event id), so a counter defined or changed since it
	 * was counted loses nothing it never got; an entry without them is recomputed.
	 */
	public CounterJournal.Increments decrements(List<ChainEvent> counted, Map<String, List<Document>> logged) {
		CounterJournal.Increments decrements = new CounterJournal.Increments();
		Map<String, CounterSpec> byName = new LinkedHashMap<>();
		projections.counters().forEach(counter -> byName.put(counter.name(), counter));
		for (ChainEvent event : counted) {
			List<Document> contributions = logged.get(event.id());
			add(decrements, byName, contributions != null ? contributions
					: ChainEventLog.contributions(event, projections.counters()), event.version(), -1);
		}
		return decrements;
	}

	/** Adds {@code sign} × each contribution to its counter's document; a counter no longer defined is skipped. */
	private static void add(CounterJournal.Increments increments, Map<String, CounterSpec> byName,
			List<Document> contributions, ChangeVersion version, int sign) {
		for (Document contribution : contributions) {
			String counterKey = contribution.getString("k");
			int bar = counterKey.indexOf('|');
			CounterSpec counter = byName.get(counterKey.substring(0, bar));
			if (counter != null) {
				increments.add(counter.collection(), counter.documentId().apply(counterKey.substring(bar + 1)),
						counter.field(), sign * contribution.get("v", Number.class).longValue(), version);
			}
		}
	}

	/**
	 * Whether a field of a collection is a counter, or set from one ({@link Projections#derivedFields}): maintained
	 * by increments, so a fork's re-read does not set it — the decrements do, the derived field with its counter.
	 */
	public boolean isCounter(String collection, String field) {
		return projections.counters().stream()
			.anyMatch(counter -> counter.collection().equals(collection) && counter.field().equals(field))
				|| Projections.isDerived(collection, field);
	}

	/** Recomputes the touched histories from the log (fork undo). */
	public void writeHistories(Map<String, Set<String>> touched) {
		store.applyUnversioned(histories.recompute(log, touched));
	}

	/** Merges a chunk's events into the histories they touch: coupons' transfers, users' awarded badges. */
	public void mergeHistories(Map<String, Set<String>> touched, List<ChainEvent> events) {
		store.applyUnversioned(histories.merge(store, touched.getOrDefault(Projections.COUPON_TRANSFERS, Set.of()),
				events));
		store.apply(badges.merge(store, log, events));
		badges.showEmptyWhereAbsent(store, touched.getOrDefault(Projections.USER_BADGES, Set.of()));
	}
}
