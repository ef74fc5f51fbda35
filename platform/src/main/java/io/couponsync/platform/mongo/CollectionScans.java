package io.couponsync.platform.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The queries the in-memory embedded server answered by reading a whole collection — no index narrowed them — counted
 * by collection and query shape (field names and operators, no values). What an explain would show on a real
 * MongoDB: tests use it to prove that hot queries are served by an index.
 */
public final class CollectionScans {

	private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

	void record(String collection, Document query) {
		counts.computeIfAbsent(collection + " " + shape(query), key -> new LongAdder()).increment();
	}

	/** Scans so far, by "collection shape", in name order. */
	public Map<String, Long> counts() {
		Map<String, Long> snapshot = new TreeMap<>();
		counts.forEach((shape, count) -> snapshot.put(shape, count.sum()));
		return snapshot;
	}

	public void clear() {
		counts.clear();
	}

	static String shape(Object query) {
		if (query instanceof Document document) {
			List<String> terms = new ArrayList<>();
			document.forEach((key, value) -> terms.add(key + (value instanceof Document || value instanceof List<?>
					&& key.startsWith("$") ? ":" + shape(value) : "")));
			return "{" + String.join(", ", terms) + "}";
		}
		if (query instanceof List<?> list) {
			return list.stream().map(CollectionScans::shape).distinct().toList().toString();
		}
		return "";
	}
}
