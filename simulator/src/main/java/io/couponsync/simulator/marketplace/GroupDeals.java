package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.isTrue;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * Group deals: document §9. The deal stays active forever; its participant count and escrow total only grow,
 * refunds included; finalization raises the promotion's supply and the merchant's coupon count (the accounts
 * passed, unchecked) but not the marketplace's.
 */
final class GroupDeals {

	static final String GROUP_COUPON_URI = "https://example.com/group-coupon.json";

	private static final int TIER_SLOTS = 5;

	private final ProgramRuntime program;

	private final UserStatsBook userStats;

	GroupDeals(ProgramRuntime program, UserStatsBook userStats) {
		this.program = program;
		this.userStats = userStats;
	}

	/** §9.1: tiers are {min_participants, discount_percentage} pairs. */
	LedgerTransaction createGroupDeal(String organizer, String promotion, String merchant, long dealId, long target,
			long maxParticipants, long basePrice, List<long[]> tiers, long durationSeconds, Shape shape) {
		List<Map<String, Object>> given = new ArrayList<>();
		for (long[] tier : tiers) {
			given.add(fields("min_participants", tier[0], "discount_percentage", (int) tier[1]));
		}
		Invocation in = program.begin("create_group_deal", organizer, fields("deal_id", dealId, "target_participants",
				target, "max_participants", maxParticipants, "base_price", basePrice, "discount_tiers", given,
				"duration_seconds", durationSeconds));
		String groupDeal = program.pdas().groupDeal(promotion, dealId);
		String escrow = program.pdas().groupEscrow(groupDeal);
		in.account("group_deal", groupDeal);
		in.account("escrow_vault", escrow);
		in.account("promotion", promotion);
		in.account("merchant", merchant);
		in.account("organizer", organizer);
		Map<String, Object> promo = program.load(in, promotion, "Promotion");
		program.load(in, merchant, "Merchant");
		require(key(promo.get("merchant")).equals(merchant), "WrongMerchant", merchant + " is not the promotion's");
		require(target > 1 && maxParticipants >= target, "InvalidSupply",
				"target " + target + ", max " + maxParticipants);
		require(maxParticipants <= number(promo.get("max_supply")), "SupplyExhausted",
				"max " + maxParticipants + " exceeds the promotion's supply");
		require(basePrice > 0, "InvalidPrice", "base price is 0");
		require(durationSeconds >= 3600, "InvalidExpiry", "duration " + durationSeconds + " s");
		require(tiers.size() <= TIER_SLOTS, "InvalidInput", tiers.size() + " tiers");
		for (int i = 0; i < tiers.size(); i++) {
			require(i == 0 || tiers.get(i)[0] > tiers.get(i - 1)[0], "InvalidInput",
					"min_participants must increase strictly");
			require(tiers.get(i)[1] <= 50, "InvalidDiscount", "tier discount " + tiers.get(i)[1] + "%");
		}
		require(!in.occupied(groupDeal), "AccountAlreadyInUse", "group deal " + groupDeal + " exists");
		List<Map<String, Object>> padded = new ArrayList<>(given);
		while (padded.size() < TIER_SLOTS) {
			padded.add(fields("min_participants", 0L, "discount_percentage", 0));
		}
		long now = program.now();
		long deadline = now + durationSeconds;
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(groupDeal, "GroupDeal", fields("promotion", promotion, "merchant", merchant, "organizer", organizer,
				"target_participants", target, "current_participants", 0L, "max_participants", maxParticipants,
				"base_price", basePrice, "discount_tiers", padded, "deadline", deadline, "is_active", true,
				"is_finalized", false, "escrow_vault", escrow, "created_at", now, "finalized_at", 0L, "total_escrowed",
				0L));
		in.emit("GroupDealCreated", fields("group_deal", groupDeal, "promotion", promotion, "merchant", merchant,
				"organizer", organizer, "target_participants", target, "base_price", basePrice, "deadline", deadline));
		return program.submit(in, shape, 29_000);
	}

	/**
	 * §9.2: the price comes from the tier before the join, the event's current_discount from the tier after it.
	 * The user's stats gain rep +3 and nothing else.
	 */
	LedgerTransaction joinGroupDeal(String user, String groupDeal, Shape shape) {
		Invocation in = program.begin("join_group_deal", user, Map.of());
		String participant = program.pdas().participant(groupDeal, user);
		in.account("participant", participant);
		in.account("group_deal", groupDeal);
		in.account("escrow_vault", program.pdas().groupEscrow(groupDeal));
		in.account("user_stats", program.pdas().userStats(user));
		in.account("user", user);
		Map<String, Object> deal = program.load(in, groupDeal, "GroupDeal");
		require(isTrue(deal.get("is_active")), "PromotionInactive", "group deal is inactive");
		require(!isTrue(deal.get("is_finalized")), "ListingInactive", "group deal is finalized");
		long before = number(deal.get("current_participants"));
		require(before < number(deal.get("max_participants")), "SupplyExhausted", "group deal is full");
		require(program.now() <= number(deal.get("deadline")), "CouponExpired", "group deal deadline passed");
		require(!in.occupied(participant), "AccountAlreadyInUse", user + " already joined " + groupDeal);
		long amount = price(deal, before);
		long after = Values.addU32(before, 1);
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, user);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(participant, "GroupParticipant", fields("group_deal", groupDeal, "user", user, "amount_escrowed",
				amount, "joined_at", program.now(), "is_refunded", false, "coupon_minted", null));
		deal.put("current_participants", after);
		deal.put("total_escrowed", Values.addU64(number(deal.get("total_escrowed")), amount));
		in.save(groupDeal, "GroupDeal", deal);
		stats.reputation(3).touchActivity().save();
		in.emit("GroupDealJoined", fields("group_deal", groupDeal, "user", user, "participants_count", after,
				"amount_escrowed", amount, "current_discount", discount(deal, after)));
		return program.submit(in, shape, 33_000);
	}

	/**
	 * §9.3: finalizes once the target is reached, whatever the deadline. The promotion and merchant passed are
	 * not checked against the deal; only the merchant authority is checked against the merchant passed. The fee
	 * stays in the escrow; the event's total_revenue is what the merchant receives.
	 */
	LedgerTransaction finalizeGroupDeal(String authority, String groupDeal, String promotion, String merchant,
			String merchantAuthority, Shape shape) {
		Invocation in = program.begin("finalize_group_deal", authority, Map.of());
		String marketplaceAddress = program.pdas().marketplace();
		in.account("group_deal", groupDeal);
		in.account("promotion", promotion);
		in.account("merchant", merchant);
		in.account("marketplace", marketplaceAddress);
		in.account("escrow_vault", program.pdas().groupEscrow(groupDeal));
		in.account("merchant_authority", merchantAuthority);
		in.account("authority", authority);
		Map<String, Object> deal = program.load(in, groupDeal, "GroupDeal");
		Map<String, Object> promo = program.load(in, promotion, "Promotion");
		Map<String, Object> merchantState = program.load(in, merchant, "Merchant");
		Map<String, Object> marketplace = program.load(in, marketplaceAddress, "Marketplace");
		long participants = number(deal.get("current_participants"));
		boolean reached = participants >= number(deal.get("target_participants"));
		boolean deadlinePassed = program.now() > number(deal.get("deadline"));
		require(!isTrue(deal.get("is_finalized")) && (reached || deadlinePassed), "InvalidExpiry",
				"group deal cannot be finalized now");
		require(reached, "InvalidSupply", "target not reached");
		require(key(merchantState.get("authority")).equals(merchantAuthority), "NotMerchantAuthority",
				merchantAuthority + " is not the authority of " + merchant);
		long escrowed = number(deal.get("total_escrowed"));
		long payment = escrowed - Coupons.fee(escrowed, marketplace);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		promo.put("current_supply", Values.addU32(number(promo.get("current_supply")), participants));
		in.save(promotion, "Promotion", promo);
		merchantState.put("total_coupons_created",
				Values.addU64(number(merchantState.get("total_coupons_created")), participants));
		in.save(merchant, "Merchant", merchantState);
		long now = program.now();
		deal.put("is_finalized", true);
		deal.put("finalized_at", now);
		in.save(groupDeal, "GroupDeal", deal);
		in.emit("GroupDealFinalized", fields("group_deal", groupDeal, "participants_count", participants,
				"final_discount", discount(deal, participants), "total_revenue", payment, "finalized_at", now));
		return program.submit(in, shape, 26_000);
	}

	/** §9.4: anyone may pay for a refund to the participant; only is_refunded changes. */
	LedgerTransaction refundGroupDeal(String payer, String groupDeal, String participant, String user, Shape shape) {
		Invocation in = program.begin("refund_group_deal", payer, Map.of());
		in.account("group_deal", groupDeal);
		in.account("participant", participant);
		in.account("escrow_vault", program.pdas().groupEscrow(groupDeal));
		in.account("user", user);
		Map<String, Object> deal = program.load(in, groupDeal, "GroupDeal");
		Map<String, Object> joined = program.load(in, participant, "GroupParticipant");
		require(program.now() > number(deal.get("deadline")), "InvalidExpiry", "deadline not passed");
		require(number(deal.get("current_participants")) < number(deal.get("target_participants")), "InvalidSupply",
				"target reached");
		require(!isTrue(deal.get("is_finalized")), "ListingInactive", "group deal is finalized");
		require(key(joined.get("group_deal")).equals(groupDeal), "WrongCoupon", "participant of another deal");
		require(!isTrue(joined.get("is_refunded")), "CouponAlreadyRedeemed", "already refunded");
		require(key(joined.get("user")).equals(user), "NotCouponOwner", user + " is not the participant");
		long amount = number(joined.get("amount_escrowed"));
		in.invoke(Pdas.SYSTEM_PROGRAM);
		joined.put("is_refunded", true);
		in.save(participant, "GroupParticipant", joined);
		in.emit("GroupDealRefunded", fields("group_deal", groupDeal, "user", key(joined.get("user")), "refund_amount",
				amount, "timestamp", program.now()));
		return program.submit(in, shape, 17_000);
	}

	/**
	 * §9.5: a coupon without a mint, discounted by the promotion's discount plus the deal's tier; the promotion
	 * passed is not checked against the deal. Emits nothing and changes no counter.
	 */
	LedgerTransaction mintGroupCoupon(String payer, String groupDeal, String participant, String promotion,
			long couponId, Shape shape) {
		Invocation in = program.begin("mint_group_coupon", payer, fields("coupon_id", couponId));
		Map<String, Object> deal = program.load(in, groupDeal, "GroupDeal");
		Map<String, Object> joined = program.load(in, participant, "GroupParticipant");
		String user = key(joined.get("user"));
		String coupon = program.pdas().groupCoupon(groupDeal, user);
		in.account("coupon", coupon);
		in.account("group_deal", groupDeal);
		in.account("participant", participant);
		in.account("promotion", promotion);
		in.account("payer", payer);
		Map<String, Object> promo = program.load(in, promotion, "Promotion");
		require(isTrue(deal.get("is_finalized")), "PromotionInactive", "group deal is not finalized");
		require(key(joined.get("group_deal")).equals(groupDeal), "WrongCoupon", "participant of another deal");
		require(joined.get("coupon_minted") == null, "CouponAlreadyRedeemed", "coupon already minted");
		require(!in.occupied(coupon), "AccountAlreadyInUse", "coupon " + coupon + " exists");
		long discount = number(promo.get("discount_percentage"))
				+ discount(deal, number(deal.get("current_participants")));
		require(discount <= 255, "ArithmeticOverflow", "discount " + discount + " overflows u8");
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(coupon, "Coupon", fields("id", couponId, "promotion", promotion, "owner", user, "merchant",
				promo.get("merchant"), "discount_percentage", discount, "expiry_timestamp",
				promo.get("expiry_timestamp"), "is_redeemed", false, "redeemed_at", 0L, "created_at", program.now(),
				"metadata_uri", GROUP_COUPON_URI, "mint", null));
		joined.put("coupon_minted", coupon);
		in.save(participant, "GroupParticipant", joined);
		return program.submit(in, shape, 24_000);
	}

	/** group discount(n): the largest tier discount whose min_participants ≤ n, 0 when none is positive. */
	@SuppressWarnings("unchecked")
	static int discount(Map<String, Object> deal, long participants) {
		int best = 0;
		for (Object tier : (List<Object>) deal.get("discount_tiers")) {
			Map<String, Object> values = (Map<String, Object>) tier;
			if (number(values.get("min_participants")) <= participants) {
				best = Math.max(best, (int) number(values.get("discount_percentage")));
			}
		}
		return best;
	}

	/** group price(n) = base_price − floor(base_price × discount(n) / 100), saturating at 0. */
	static long price(Map<String, Object> deal, long participants) {
		long base = number(deal.get("base_price"));
		long off = Values.mulU64(base, discount(deal, participants)) / 100;
		return Math.max(0, base - off);
	}
}
