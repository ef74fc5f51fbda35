package io.couponsync.jobs.readmodel;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A read-model field that is a count or sum over events, recounted from {@code chain_events} for the keys a chunk
 * touched, so it is right however often (and in whatever order) transactions are applied.
 *
 * @param collection and {@code field}: where the total is written
 * @param documentId maps a key (e.g. a user's address) to the document's id (e.g. its user_stats PDA)
 * @param sources the events that contribute, each counted (or summed) per key
 */
public record CounterSpec(String name, String collection, String field, UnaryOperator<String> documentId,
		List<Source> sources) {

	/**
	 * Events named {@code event} whose field {@code keyField} is the key; {@code sumField} null counts them;
	 * {@code onlyIf} (field, value) restricts them; {@code sign} -1 subtracts.
	 */
	public record Source(String event, String keyField, String sumField, String onlyIfField, Object onlyIfValue,
			int sign) {

		public static Source count(String event, String keyField) {
			return new Source(event, keyField, null, null, null, 1);
		}

		public static Source sum(String event, String keyField, String sumField, int sign) {
			return new Source(event, keyField, sumField, null, null, sign);
		}

		public Source onlyIf(String field, Object value) {
			return new Source(event, keyField, sumField, field, value, sign);
		}
	}
}
