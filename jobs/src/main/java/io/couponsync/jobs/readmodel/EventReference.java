package io.couponsync.jobs.readmodel;

/**
 * A value an event's projection needs that the event does not carry, taken from an earlier event about the same
 * account: e.g. {@code GroupDealFinalized} names neither the promotion nor the merchant whose counters it raises;
 * the deal's {@code GroupDealCreated} does.
 *
 * @param event the event that needs the value
 * @param name the reference's name, read with {@link ChainEvent#ref}
 * @param keyField the field of {@code event} naming the account (e.g. {@code groupDeal})
 * @param sourceEvent the earlier event whose subject (first field) is that account
 * @param sourceField the field of the source event to take
 * @param required whether the event cannot be applied without it: such a transaction waits until the source event
 *     is in the log; an optional reference not found is left out (an account read fills the field instead)
 */
public record EventReference(String event, String name, String keyField, String sourceEvent, String sourceField,
		boolean required) {

	public static EventReference required(String event, String name, String keyField, String sourceEvent,
			String sourceField) {
		return new EventReference(event, name, keyField, sourceEvent, sourceField, true);
	}

	public static EventReference optional(String event, String name, String keyField, String sourceEvent,
			String sourceField) {
		return new EventReference(event, name, keyField, sourceEvent, sourceField, false);
	}
}
