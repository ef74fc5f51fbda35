package io.couponsync.jobs.accountstate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonValue;

import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.CounterSpec;
import io.couponsync.jobs.readmodel.CountersInFlight;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * The values the apply job's counters had at an account read. A counter the apply job keeps ahead of a read
 * (confirmed events past a read at finalized) holds the account's value at the read plus what the counted events
 * logged past the read added; taking those out gives the value to compare with the account. Reconciliation reports a
 * difference at the read, {@code verify} judges it. The values cannot be told while counter changes are half done
 * (an apply run or a fork undo left unfinished), nor loaded when too many events are logged past the read.
 */
public final class CountersAtRead {

	/**
	 * Counting events past a read beyond which counters ahead of it are not compared. why: at 200 transactions/s the
	 * ~13 s between confirmed and finalized hold ~3,000; many more mean finalization stalled, and every page would
	 * load them.
	 */
	public static final int MAX_EVENTS_PAST_READ = 20_000;

	/** A counter field as stored, and the context slot of the account read to tell its value at. */
	public record Counter(DocumentKey key, String field, BsonValue stored, long readSlot) {

		String readVersion() {
			return CountersAtRead.readVersion(readSlot);
		}
	}

	/** Why the values at a read cannot be told now. */
	public enum Postponed {

		/** Counter changes are half done: the log's contributions do not yet match the counters. */
		COUNTER_CHANGES_IN_FLIGHT,

		/** More than {@link #MAX_EVENTS_PAST_READ} counting events are logged past the oldest read. */
		TOO_MANY_EVENTS_PAST_READ
	}

	/**
	 * The counters' values at their reads, or why they cannot be told. A value is null where the document has no
	 * value for the counter; a stored value that is not a number is given back as it is, nothing taken out.
	 */
	public record Values(Map<Counter, BsonValue> atRead, Postponed postponed) {

		static Values postponed(Postponed why) {
			return new Values(Map.of(), why);
		}
	}

	private record CounterField(DocumentKey key, String field) {
	}

	private final Map<String, CounterSpec> countersByName = new HashMap<>();

	private final Set<String> counterFields = new HashSet<>();

	private final ChainEventLog eventLog;

	private final CountersInFlight inFlight;

	public CountersAtRead(Collection<CounterSpec> counters, ChainEventLog eventLog, CountersInFlight inFlight) {
		counters.forEach(counter -> {
			countersByName.put(counter.name(), counter);
			counterFields.add(counter.collection() + "." + counter.field());
		});
		this.eventLog = eventLog;
		this.inFlight = inFlight;
	}

	/** Whether a field of a collection is one of the apply job's counters. */
	public boolean isCounter(String collection, String field) {
		return counterFields.contains(collection + "." + field);
	}

	/** The version of account state read at {@code slot}: after every change of the slot. */
	public static String readVersion(long slot) {
		return ChangeVersion.endOfSlot(slot, ReadModelStore.RECONCILE_SOURCE).key();
	}

	/**
	 * Whether a counter field of this document has counted a change past a read at {@code readSlot}. why: increments
	 * do not move the document's {@code lastSlot} nor its field's version; the counter's own {@code _counted} version
	 * says how far it has counted.
	 */
	public static boolean countedPast(BsonDocument document, String field, long readSlot) {
		BsonValue newest = document.getDocument(CounterJournal.COUNTED, new BsonDocument()).get(field);
		return newest != null && newest.isString()
				&& newest.asString().getValue().compareTo(readVersion(readSlot)) > 0;
	}

	/**
	 * Each counter's value at its read: the stored value less what the counted events logged past the read added.
	 * One read of the log's contributions past the oldest read (only the events of counting), one lookup of which of
	 * these counters' events are counted.
	 */
	public Values valuesAtRead(List<Counter> counters) {
		if (counters.isEmpty()) {
			return new Values(Map.of(), null);
		}
		if (inFlight.any()) {
			return Values.postponed(Postponed.COUNTER_CHANGES_IN_FLIGHT);
		}
		long oldestRead = counters.stream().mapToLong(Counter::readSlot).min().getAsLong();
		Optional<List<ChainEventLog.Contribution>> after = eventLog.contributionsAfter(oldestRead,
				MAX_EVENTS_PAST_READ);
		if (after.isEmpty()) {
			return Values.postponed(Postponed.TOO_MANY_EVENTS_PAST_READ);
		}
		Set<CounterField> asked = new HashSet<>();
		counters.forEach(counter -> asked.add(new CounterField(counter.key(), counter.field())));
		Map<CounterField, List<ChainEventLog.Contribution>> byCounterField = new HashMap<>();
		Set<String> contributingEvents = new HashSet<>();
		for (ChainEventLog.Contribution contribution : after.get()) {
			int bar = contribution.counterKey().indexOf('|');
			CounterSpec counter = countersByName.get(contribution.counterKey().substring(0, bar));
			if (counter == null) {
				continue;
			}
			String id = counter.documentId().apply(contribution.counterKey().substring(bar + 1));
			CounterField counterField = new CounterField(new DocumentKey(counter.collection(), id), counter.field());
			if (asked.contains(counterField)) {
				byCounterField.computeIfAbsent(counterField, k -> new ArrayList<>()).add(contribution);
				contributingEvents.add(contribution.eventId());
			}
		}
		// why: only these counters' events; the marker lookup of every event past the read cost 80 ms a page
		Set<String> uncounted = eventLog.uncounted(contributingEvents);
		Map<Counter, BsonValue> atRead = new HashMap<>();
		for (Counter counter : counters) {
			long later = 0;
			for (ChainEventLog.Contribution contribution : byCounterField
				.getOrDefault(new CounterField(counter.key(), counter.field()), List.of())) {
				if (contribution.version().compareTo(counter.readVersion()) > 0
						&& !uncounted.contains(contribution.eventId())) {
					later += contribution.amount();
				}
			}
			atRead.put(counter, BsonValues.minus(counter.stored(), later));
		}
		return new Values(atRead, null);
	}
}
