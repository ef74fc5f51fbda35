package io.couponsync.simulator.ledger;

import java.util.Locale;

/** The cluster's commitment levels, in the order a transaction reaches them. */
public enum Commitment {
	PROCESSED, CONFIRMED, FINALIZED;

	public String jsonName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Parses an RPC commitment; the deprecated names map as the RPC maps them. */
	public static Commitment parse(String name, Commitment fallback) {
		if (name == null) {
			return fallback;
		}
		return switch (name) {
			case "processed", "recent", "single" -> PROCESSED;
			case "confirmed", "singleGossip" -> CONFIRMED;
			case "finalized", "max", "root" -> FINALIZED;
			default -> throw new IllegalArgumentException("Invalid commitment: " + name);
		};
	}
}
