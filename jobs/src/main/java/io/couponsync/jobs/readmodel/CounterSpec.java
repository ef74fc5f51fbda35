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
	 * Events named {@code event} whose {@code keyPath} (a field, or {@code refs.<name>} for a resolved reference) is
	 * the key; each adds {@code multiplier} × ({@code sumField}'s value, or 1 where null); {@code onlyIf} (field,
	 * value: a boolean or a string, such as a unit enum's variant) restricts them, and so does {@code instruction}:
	 * the instruction that emitted the event, as the program logs it ({@link ChainEvent#instruction()}), where
	 * instructions that change the counter differently emit the same event.
	 */
	public record Source(String event, String keyPath, String sumField, String onlyIfField, Object onlyIfValue,
			long multiplier, String instruction) {

		public static Source count(String event, String keyPath) {
			return new Source(event, keyPath, null, null, null, 1, null);
		}

		public static Source sum(String event, String keyPath, String sumField) {
			return new Source(event, keyPath, sumField, null, null, 1, null);
		}

		public Source onlyIf(String field, Object value) {
			return new Source(event, keyPath, sumField, field, value, multiplier, instruction);
		}

		/** Only the events this instruction emitted (e.g. {@code AutoAwardBadge}); events of unnamed frames never. */
		public Source emittedBy(String instructionName) {
			return new Source(event, keyPath, sumField, onlyIfField, onlyIfValue, multiplier, instructionName);
		}

		/** Each event adds {@code factor} times what it would (e.g. −1,000,000 per claim). */
		public Source times(long factor) {
			return new Source(event, keyPath, sumField, onlyIfField, onlyIfValue, multiplier * factor, instruction);
		}
	}
}
