package io.couponsync.jobs.accountstate;

import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What a pass over accounts counted, per account type: accounts read, documents inserted, fields that differed,
 * counters that differed (reported, not written), documents orphaned, orphan marks taken away, and field values kept
 * because an event changed them after the read.
 * Added into a step's ExecutionContext (keys {@code tally.<Type>.<count>}) and to Micrometer counters
 * ({@code sync.reconcile.<count>{type}}).
 */
public final class ReconcileTally {

	/** The ExecutionContext key prefix of the counts. */
	public static final String PREFIX = "tally.";

	public static final String ACCOUNTS = "accounts";

	public static final String INSERTED = "inserted";

	public static final String DIFFERENCES = "differences";

	public static final String ORPHANED = "orphaned";

	public static final String UNORPHANED = "unorphaned";

	public static final String NEWER_KEPT = "newerKept";

	public static final String COUNTER_DIFFERENCES = "counterDifferences";

	/** Counters holding events past the read, compared at the read's version (the events' contributions taken out). */
	public static final String COUNTERS_AHEAD = "countersAhead";

	private final Map<String, Long> counts = new TreeMap<>();

	public void add(String type, String count, long amount) {
		if (amount != 0) {
			counts.merge(type + "." + count, amount, Long::sum);
		}
	}

	public long get(String type, String count) {
		return counts.getOrDefault(type + "." + count, 0L);
	}

	/** The total of one count over every type. */
	public long total(String count) {
		return counts.entrySet().stream().filter(entry -> entry.getKey().endsWith("." + count))
			.mapToLong(Map.Entry::getValue).sum();
	}

	public void addTo(ExecutionContext context) {
		counts.forEach((key, amount) -> context.putLong(PREFIX + key, context.getLong(PREFIX + key, 0L) + amount));
	}

	public void addTo(MeterRegistry meters, String job) {
		counts.forEach((key, amount) -> {
			int dot = key.lastIndexOf('.');
			meters.counter("sync." + job + "." + key.substring(dot + 1), "type", key.substring(0, dot)).increment(amount);
		});
	}

	@Override
	public String toString() {
		return counts.toString();
	}
}
