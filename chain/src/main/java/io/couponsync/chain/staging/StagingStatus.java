package io.couponsync.chain.staging;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a staged transaction is in its life, with the one table of allowed moves: received → applied | dead |
 * dropped; a dead letter can be re-queued (dead → received); an applied transaction can be replayed
 * (applied → received) or dropped by a fork. Dropped is final.
 */
public enum StagingStatus {
	RECEIVED, APPLIED, DEAD, DROPPED;

	private static final Map<StagingStatus, Set<StagingStatus>> MOVES = Map.of(
			RECEIVED, EnumSet.of(APPLIED, DEAD, DROPPED),
			APPLIED, EnumSet.of(RECEIVED, DROPPED),
			DEAD, EnumSet.of(RECEIVED, DROPPED),
			DROPPED, EnumSet.noneOf(StagingStatus.class));

	public boolean canMoveTo(StagingStatus next) {
		return MOVES.get(this).contains(next);
	}

	/** The statuses a transaction may be in when it moves to {@code next}. */
	public static Set<StagingStatus> allowedBefore(StagingStatus next) {
		Set<StagingStatus> from = EnumSet.noneOf(StagingStatus.class);
		MOVES.forEach((status, targets) -> {
			if (targets.contains(next)) {
				from.add(status);
			}
		});
		return from;
	}

	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	public static StagingStatus of(String value) {
		return valueOf(value.toUpperCase(java.util.Locale.ROOT));
	}
}
