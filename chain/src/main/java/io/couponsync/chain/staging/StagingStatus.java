package io.couponsync.chain.staging;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a staged transaction is in its life, with the one table of allowed moves: received → applied | dead |
 * dropped; a dead letter can be re-queued (dead → received); an applied transaction can be replayed, re-ordered in
 * its block or landed again elsewhere (applied → received), or dropped by a fork; a dropped one the chain reports
 * again (a status, a crawl, a notification) is staged again (dropped → received). The staging repository's named
 * operations are the only writers, and each is guarded by this table.
 */
public enum StagingStatus {
	RECEIVED, APPLIED, DEAD, DROPPED;

	private static final Map<StagingStatus, Set<StagingStatus>> MOVES = Map.of(
			RECEIVED, EnumSet.of(APPLIED, DEAD, DROPPED),
			APPLIED, EnumSet.of(RECEIVED, DROPPED),
			DEAD, EnumSet.of(RECEIVED, DROPPED),
			DROPPED, EnumSet.of(RECEIVED));

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
