package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.require;

import java.util.Map;

import io.couponsync.chain.value.EnumValue;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * Badges: document §6. Both instructions create the badge at {@code ["badge", user, type byte]}, so a user holds
 * each type at most once, whichever instruction made it, and both emit the same BadgeEarned. Only
 * auto_award_badge checks a qualification and records the badge (and its reputation) in the user's stats.
 */
final class Badges {

	static final String MINTED_BADGE_URI = "https://example.com/badge.json";

	static final String AWARDED_BADGE_URI_PREFIX = "https://api.dealdiscovery.com/badges/";

	private static final int MAX_BADGES_HELD = 10;

	/** rep by badge byte: FirstPurchase … CommunityModerator */
	private static final long[] REPUTATION = { 10, 50, 200, 100, 500, 300, 1000 };

	private final ProgramRuntime program;

	private final UserStatsBook userStats;

	private final TokenAccounts tokens;

	Badges(ProgramRuntime program, UserStatsBook userStats, TokenAccounts tokens) {
		this.program = program;
		this.userStats = userStats;
		this.tokens = tokens;
	}

	/** §6.1: no qualification, UserStats untouched; the user signs and pays. */
	LedgerTransaction mintBadge(String user, String authority, String badgeType, String mint, Shape shape) {
		EnumValue badge = new EnumValue(badgeType, Map.of());
		Invocation in = program.begin("mint_badge", user, fields("badge_type", badge));
		String badgeAccount = program.pdas().badge(user, program.variantIndex("BadgeType", badgeType));
		in.account("badge_nft", badgeAccount);
		in.account("user", user);
		in.account("authority", authority);
		createBadge(in, badgeAccount, user, authority, badge, mint, MINTED_BADGE_URI);
		in.emit("BadgeEarned", fields("user", user, "badge_type", badge, "mint", mint));
		return program.submit(in, shape, 52_000);
	}

	/**
	 * §6.2: any signers may award a badge to any user with UserStats, if the user qualifies (three types need
	 * nothing). The badge goes into badges_earned with its reputation; last_activity is not updated.
	 */
	LedgerTransaction autoAwardBadge(String payer, String authority, String user, String badgeType, String mint,
			Shape shape) {
		EnumValue badge = new EnumValue(badgeType, Map.of());
		Invocation in = program.begin("auto_award_badge", payer, fields("badge_type", badge));
		int index = program.variantIndex("BadgeType", badgeType);
		String badgeAccount = program.pdas().badge(user, index);
		in.account("badge_nft", badgeAccount);
		in.account("user_stats", program.pdas().userStats(user));
		in.account("user", user);
		in.account("payer", payer);
		in.account("authority", authority);
		UserStatsBook.Stats stats = userStats.existing(in, user);
		require(!UserStatsBook.holds(stats.badges(), index), "InvalidInput", user + " holds " + badgeType);
		require(qualifies(stats, index), "InvalidInput", user + " does not qualify for " + badgeType);
		createBadge(in, badgeAccount, user, authority, badge, mint, AWARDED_BADGE_URI_PREFIX + index + ".json");
		if (stats.badges().length < MAX_BADGES_HELD) {
			stats.badges(UserStatsBook.append(stats.badges(), index));
		}
		stats.reputation(REPUTATION[index]).save();
		in.emit("BadgeEarned", fields("user", user, "badge_type", badge, "mint", mint));
		return program.submit(in, shape, 58_000);
	}

	/** The badge account, its new mint (no token minted) and the Metaplex accounts. */
	private void createBadge(Invocation in, String badgeAccount, String user, String authority, EnumValue badge,
			String mint, String uri) {
		String metadata = program.pdas().metadata(mint);
		in.account("mint", mint);
		in.account("metadata", metadata);
		in.account("master_edition", program.pdas().masterEdition(mint));
		require(!in.occupied(badgeAccount), "AccountAlreadyInUse", "badge " + badgeAccount + " exists");
		in.invoke(Pdas.SYSTEM_PROGRAM);
		tokens.createMint(in, mint, authority);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: InitializeMint2");
		in.invoke(Pdas.TOKEN_METADATA_PROGRAM, "IX: Create");
		in.save(badgeAccount, "BadgeNFT", fields("user", user, "badge_type", badge, "mint", mint, "metadata", metadata,
				"earned_at", program.now(), "metadata_uri", uri));
	}

	/** FirstPurchase ≥ 1 purchase, TenRedemptions ≥ 10, FiftyRedemptions ≥ 50, TopReviewer ≥ 20 ratings. */
	private static boolean qualifies(UserStatsBook.Stats stats, int badge) {
		return switch (badge) {
			case 0 -> stats.counter("total_purchases") >= 1;
			case 1 -> stats.counter("total_redemptions") >= 10;
			case 2 -> stats.counter("total_redemptions") >= 50;
			case 3 -> stats.counter("total_ratings_given") >= 20;
			default -> true;
		};
	}
}
