package io.couponsync.chain.staging;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How final the chain says a staged transaction is: confirmed → finalized | dropped (by a fork); a dropped one the
 * chain reports again is confirmed or finalized, as reported.
 */
public enum ChainCommitment {
	CONFIRMED, FINALIZED, DROPPED;

	private static final Map<ChainCommitment, Set<ChainCommitment>> MOVES = Map.of(
			CONFIRMED, EnumSet.of(FINALIZED, DROPPED),
			FINALIZED, EnumSet.noneOf(ChainCommitment.class),
			DROPPED, EnumSet.of(CONFIRMED, FINALIZED));

	public boolean canMoveTo(ChainCommitment next) {
		return MOVES.get(this).contains(next);
	}

	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	public static ChainCommitment of(String value) {
		return valueOf(value.toUpperCase(java.util.Locale.ROOT));
	}
}
