package io.couponsync.simulator.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDerivedAddress;
import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.simulator.marketplace.MarketplaceProgram.InstructionRejected;

/** Document §13, fact by fact; every expected value is written by hand from the document. */
class EasyToGetWrongFactsTest {

	private static final Invocation.Shape PLAIN = Invocation.Shape.plain();

	@Test
	void fact01CreatePromotionSeedsWithTheUnchangedCouponCountSoASecondFailsUntilItMoves() {
		Market m = new Market();
		assertThat(m.number(m.merchant, "total_coupons_created")).isEqualTo(0);
		assertRejected(() -> m.p.createPromotion(m.owner, 10, 5, m.h.now() + Market.DAY, "Food", "Again", 1, PLAIN),
				"AccountAlreadyInUse");
		m.mint(m.h.wallet());
		m.land(m.p.createPromotion(m.owner, 10, 5, m.h.now() + Market.DAY, "Food", "Again", 1, PLAIN));
		assertThat(m.h.exists(pda("promotion", Base58.decode(m.merchant), new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 })))
			.isTrue();
		assertThat(m.number(m.merchant, "total_coupons_created")).isEqualTo(1);
	}

	@Test
	void fact02NeitherCreatePromotionNorMintCouponChecksAuthorityAndMintCountsTheMerchantPassed() {
		Market m = new Market();
		String stranger = m.h.wallet();
		String otherOwner = m.h.wallet();
		m.land(m.p.registerMerchant(otherOwner, "Other", "Books", null, null, PLAIN));
		String other = m.p.merchantAddress(otherOwner);
		m.land(m.p.createPromotion(stranger, other, 30, 5, m.h.now() + Market.DAY, "Books", "By a stranger", 7, PLAIN));
		String strangers = m.p.promotionAddress(other, 0);
		assertThat(Market.key(m.account(strangers).get("merchant"))).isEqualTo(other);
		String alice = m.h.wallet();
		m.land(m.p.mintCoupon(stranger, m.promotion, other, alice, 5, m.h.wallet(), PLAIN));
		assertThat(m.number(other, "total_coupons_created")).isEqualTo(1);
		assertThat(m.number(m.merchant, "total_coupons_created")).isEqualTo(0);
		String coupon = m.p.couponAddress(m.promotion, 0);
		assertThat(Market.key(m.account(coupon).get("merchant"))).isEqualTo(other);
		assertThat(Market.key(m.event().fields().get("merchant"))).isEqualTo(other);
	}

	@Test
	void fact03TotalPurchasesIgnoresJoinsListingPurchasesGroupCouponsAndBids() {
		Market m = new Market();
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		String coupon = m.mint(alice);
		m.land(m.p.listForSale(alice, coupon, 1_000_000, PLAIN));
		m.land(m.p.joinGroupDeal(bob, m.groupDeal(2, 2, 1_000, List.of()), PLAIN));
		m.land(m.p.buyListing(bob, m.p.listingAddress(coupon), PLAIN));
		String auction = m.auction(bob, coupon, "English", 1_000, 1_000, false, 10);
		m.land(m.p.placeBid(alice, auction, 1_010, PLAIN));
		assertThat(m.stat(bob, "total_purchases")).isEqualTo(0);
		assertThat(m.stat(alice, "total_purchases")).isEqualTo(1);
	}

	@Test
	void fact04OneTicketRedemptionTwoEventsOneChange() {
		Market m = new Market();
		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		m.land(m.p.generateRedemptionTicket(alice, coupon, 42, null, null, PLAIN));
		m.land(m.p.verifyAndRedeemTicket(m.owner, m.p.ticketAddress(coupon, alice, 42), PLAIN));
		assertThat(m.events()).extracting(DecodedEvent::name).containsExactly("TicketRedeemed", "CouponRedeemed");
		assertThat(m.events().get(1).fields().get("redemption_code")).isEqualTo("TICKET-42");
		assertThat(m.number(m.merchant, "total_coupons_redeemed")).isEqualTo(1);
		assertThat(m.stat(alice, "total_redemptions")).isEqualTo(1);
		assertThat(m.stat(alice, "reputation_score")).isEqualTo(15);
	}

	@Test
	void fact05FinalizeChangesTheAccountsPassedKeepsTheDealActiveAndReportsRevenueNetOfFee() {
		Market m = new Market();
		String deal = m.groupDeal(2, 2, 1_000_000, List.of());
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, PLAIN));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, PLAIN));
		String otherOwner = m.h.wallet();
		m.land(m.p.registerMerchant(otherOwner, "Other", "Books", null, null, PLAIN));
		String other = m.p.merchantAddress(otherOwner);
		m.land(m.p.createPromotion(otherOwner, other, 10, 9, m.h.now() + Market.DAY, "Books", "Other", 1, PLAIN));
		String otherPromotion = m.p.promotionAddress(other, 0);
		m.land(m.p.finalizeGroupDeal(m.h.wallet(), deal, otherPromotion, other, otherOwner, PLAIN));
		assertThat(m.number(otherPromotion, "current_supply")).isEqualTo(2);
		assertThat(m.number(other, "total_coupons_created")).isEqualTo(2);
		assertThat(m.number(m.promotion, "current_supply")).isEqualTo(0);
		assertThat(m.number(m.p.marketplaceAddress(), "total_coupons")).isEqualTo(0);
		assertThat(m.account(deal)).containsEntry("is_active", true).containsEntry("is_finalized", true);
		// 2 000 000 escrowed, fee 2.5 % = 50 000
		assertThat(m.event().fields()).containsEntry("total_revenue", 1_950_000L);
	}

	@Test
	void fact06RefundChangesOnlyTheParticipantsRefundedFlag() {
		Market m = new Market();
		String deal = m.groupDeal(3, 3, 1_000_000, List.of());
		String alice = m.h.wallet();
		m.land(m.p.joinGroupDeal(alice, deal, PLAIN));
		Map<String, Object> dealBefore = m.account(deal);
		String participant = m.p.participantAddress(deal, alice);
		Map<String, Object> joinedBefore = m.account(participant);
		Map<String, Object> statsBefore = m.stats(alice);
		m.h.passTime(3_601);
		m.land(m.p.refundGroupDeal(m.h.wallet(), deal, participant, alice, PLAIN));
		assertThat(m.account(deal)).isEqualTo(dealBefore);
		Map<String, Object> joined = m.account(participant);
		assertThat(joined.get("is_refunded")).isEqualTo(true);
		joined.put("is_refunded", false);
		assertThat(joined).isEqualTo(joinedBefore);
		assertThat(m.stats(alice)).usingRecursiveComparison().isEqualTo(statsBefore);
	}

	@Test
	void fact07GroupCouponsEmitNothingHaveNoMintAddTheTierAndMakeTheNextCouponIndexSkip() {
		Market m = new Market();
		String deal = m.groupDeal(2, 2, 1_000_000, List.of(new long[] { 2, 15 }));
		String alice = m.h.wallet();
		m.land(m.p.joinGroupDeal(alice, deal, PLAIN));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, PLAIN));
		m.land(m.p.finalizeGroupDeal(m.h.wallet(), deal, PLAIN));
		m.land(m.p.mintGroupCoupon(m.h.wallet(), deal, alice, 900, PLAIN));
		assertThat(m.events()).isEmpty();
		String coupon = pda("group_coupon", Base58.decode(deal), Base58.decode(alice));
		Map<String, Object> state = m.account(coupon);
		assertThat(state.get("mint")).isNull();
		assertThat(state).containsEntry("discount_percentage", 35).containsEntry("id", 900L)
			.containsEntry("metadata_uri", "https://example.com/group-coupon.json");
		assertThat(Market.key(m.account(m.p.participantAddress(deal, alice)).get("coupon_minted"))).isEqualTo(coupon);
		String next = m.mint(m.h.wallet());
		assertThat(next).isEqualTo(pda("coupon", Base58.decode(m.promotion), new byte[] { 2, 0, 0, 0 }));
	}

	@Test
	void fact08SeedWidths() {
		Market m = new Market();
		byte[] promotion = Base58.decode(m.promotion);
		assertThat(m.promotion).isEqualTo(pda("promotion", Base58.decode(m.merchant), new byte[8]));
		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		assertThat(coupon).isEqualTo(pda("coupon", promotion, new byte[4]));
		m.land(m.p.createGroupDeal(alice, m.promotion, 258, 2, 2, 100, List.of(), 3_600, PLAIN));
		assertThat(m.h.exists(pda("group_deal", promotion, new byte[] { 2, 1, 0, 0, 0, 0, 0, 0 }))).isTrue();
		m.land(m.p.createAuction(alice, coupon, 3, "English", 100, 100, 600, false, 1, PLAIN));
		String auction = pda("auction", Base58.decode(coupon), new byte[] { 3, 0, 0, 0, 0, 0, 0, 0 });
		assertThat(m.h.exists(auction)).isTrue();
		String bob = m.h.wallet();
		m.land(m.p.placeBid(bob, auction, 101, PLAIN));
		assertThat(m.h.exists(pda("bid", Base58.decode(auction), Base58.decode(bob), new byte[4]))).isTrue();
		m.land(m.p.generateRedemptionTicket(alice, coupon, 7, null, null, PLAIN));
		assertThat(m.h.exists(pda("ticket", Base58.decode(coupon), Base58.decode(alice),
				new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 }))).isTrue();
		m.land(m.p.mintBadge(alice, alice, "TopReviewer", m.h.wallet(), PLAIN));
		assertThat(m.h.exists(pda("badge", Base58.decode(alice), new byte[] { 3 }))).isTrue();
		m.land(m.p.updateExternalDeal(alice, "abc", "T", 10, 5, "Travel", m.h.now() + 10, PLAIN));
		assertThat(m.h.exists(pda("external_deal", "abc".getBytes(StandardCharsets.UTF_8)))).isTrue();
		String tooLong = "x".repeat(33);
		assertRejected(() -> m.p.updateExternalDeal(alice, tooLong, "T", 10, 5, "Travel", m.h.now() + 10, PLAIN),
				"MaxSeedLengthExceeded");
	}

	@Test
	void fact09AuctionsByType() {
		Market m = new Market();
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		String coupon = m.mint(alice);
		String english = m.auction(alice, coupon, "English", 1_000, 800, false, 50);
		assertThat(m.number(english, "current_bid")).isEqualTo(1_000);
		assertRejected(() -> m.p.placeBid(bob, english, 1_049, PLAIN), "InvalidPrice");
		m.land(m.p.placeBid(bob, english, 1_050, PLAIN));
		String carol = m.h.wallet();
		m.land(m.p.placeBid(carol, english, 1_100, PLAIN));
		Map<String, Object> outbid = m.account(m.p.bidAddress(english, bob, 0));
		assertThat(outbid).containsEntry("is_winning", true).containsEntry("is_refunded", false);

		String sealed = m.auction(alice, coupon, "SealedBid", 1_000, 5_000, false, 1);
		m.land(m.p.placeBid(bob, sealed, 9_000, PLAIN));
		assertThat(m.number(sealed, "current_bid")).isEqualTo(0);
		assertThat(m.account(sealed).get("highest_bidder")).isNull();
		assertThat(m.account(m.p.bidAddress(sealed, bob, 0))).containsEntry("is_winning", false)
			.containsEntry("is_refunded", false);

		String unbid = m.auction(alice, coupon, "English", 1_000, 1_000, false, 1);
		m.h.passTime(601);
		m.land(m.p.finalizeAuction(m.h.wallet(), sealed, PLAIN));
		assertThat(m.event().fields()).containsEntry("reason", "Reserve price not met");
		assertRejected(() -> m.p.finalizeAuction(m.h.wallet(), unbid, PLAIN), "InvalidInput");
		m.land(m.p.cancelAuction(alice, unbid, PLAIN));
		assertThat(m.h.exists(unbid)).isFalse();
	}

	@Test
	void fact10AuctionCancelledClosesOnCancelAndKeepsTheAccountWhenTheReserveIsNotMet() {
		Market m = new Market();
		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		String cancelled = m.auction(alice, coupon, "Dutch", 1_000, 500, false, 1);
		m.land(m.p.cancelAuction(alice, cancelled, PLAIN));
		assertThat(m.event().fields()).containsEntry("reason", "Cancelled by seller");
		assertThat(m.h.exists(cancelled)).isFalse();
		String unsold = m.auction(alice, coupon, "Dutch", 1_000, 500, false, 1);
		m.h.passTime(601);
		m.land(m.p.finalizeAuction(m.h.wallet(), unsold, PLAIN));
		assertThat(m.event().fields()).containsEntry("reason", "Reserve price not met");
		assertThat(m.account(unsold)).containsEntry("is_active", false).containsEntry("is_finalized", true);
		assertThat(Market.key(m.account(coupon).get("owner"))).isEqualTo(alice);
	}

	@Test
	void fact11OwnershipChangesMoveNoTokenAndRedeemBurnsWhateverMintIsPassed() {
		Market m = new Market();
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		String sold = m.mint(alice);
		String kept = m.mint(bob);
		m.land(m.p.transferCoupon(alice, sold, bob, PLAIN));
		assertThat(m.p.tokenBalance(m.p.tokenAccountAddress(alice, m.mints.get(sold)))).isEqualTo(1);
		assertThat(m.p.tokenBalance(m.p.tokenAccountAddress(bob, m.mints.get(sold)))).isEqualTo(0);
		assertRejected(() -> m.p.redeemCoupon(bob, sold, PLAIN), "AccountNotInitialized");
		m.land(m.p.redeemCoupon(bob, sold, m.mints.get(kept), PLAIN));
		assertThat(m.event().fields().get("nft_mint").toString()).isEqualTo(m.mints.get(kept));
		assertThat(m.p.tokenBalance(m.p.tokenAccountAddress(bob, m.mints.get(kept)))).isEqualTo(0);
		assertThat(m.account(sold)).containsEntry("is_redeemed", true);
		assertThat(m.account(kept)).containsEntry("is_redeemed", false);
	}

	@Test
	void fact12AccountsThatAreNeverClosedBlockReuse() {
		Market m = new Market();
		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		m.land(m.p.listForSale(alice, coupon, 10, PLAIN));
		m.land(m.p.cancelListing(alice, m.p.listingAddress(coupon), PLAIN));
		assertRejected(() -> m.p.listForSale(alice, coupon, 10, PLAIN), "AccountAlreadyInUse");
		m.land(m.p.addComment(alice, m.promotion, "First", null, PLAIN));
		String comment = m.p.commentAddress(alice, m.promotion);
		assertRejected(() -> m.p.addComment(alice, m.promotion, "Reply", comment, PLAIN), "AccountAlreadyInUse");
		m.land(m.p.stakeCoupon(alice, coupon, 1, PLAIN));
		m.h.passTime(Market.DAY);
		m.land(m.p.claimRewards(alice, coupon, PLAIN));
		assertRejected(() -> m.p.stakeCoupon(alice, coupon, 1, PLAIN), "AccountAlreadyInUse");
		String deal = m.groupDeal(2, 3, 10, List.of());
		m.land(m.p.joinGroupDeal(alice, deal, PLAIN));
		assertRejected(() -> m.p.joinGroupDeal(alice, deal, PLAIN), "AccountAlreadyInUse");
		m.land(m.p.mintBadge(alice, alice, "EarlyAdopter", m.h.wallet(), PLAIN));
		assertRejected(() -> m.p.autoAwardBadge(alice, alice, alice, "EarlyAdopter", m.h.wallet(), PLAIN),
				"AccountAlreadyInUse");
		m.land(m.p.generateRedemptionTicket(alice, coupon, 1, null, null, PLAIN));
		m.land(m.p.cancelRedemptionTicket(alice, m.p.ticketAddress(coupon, alice, 1), PLAIN));
		assertThat(m.h.exists(m.p.ticketAddress(coupon, alice, 1))).isFalse();
		m.land(m.p.generateRedemptionTicket(alice, coupon, 1, null, null, PLAIN));
		assertThat(m.h.exists(m.p.ticketAddress(coupon, alice, 1))).as("the nonce is free again").isTrue();
	}

	@Test
	void fact13ExternalDealsAreSkyscannerVerifiedAndKeepTheirFirstPayer() {
		Market m = new Market();
		String first = m.h.wallet();
		String second = m.h.wallet();
		String deal = m.p.externalDealAddress("flight-9");
		m.land(m.p.updateExternalDeal(first, "flight-9", "Rome", 20_000, 15_000, "Travel", m.h.now() + 99, PLAIN));
		assertRejected(() -> m.p.updateExternalDeal(second, "flight-9", "Rome", 20_000, 14_000, "Travel",
				m.h.now() + 99, PLAIN), "InvalidExpiry");
		m.h.passTime(3_600);
		m.land(m.p.updateExternalDeal(second, "flight-9", "Rome", 20_000, 14_000, "Travel", m.h.now() + 99, PLAIN));
		Map<String, Object> state = m.account(deal);
		assertThat(Market.key(state.get("oracle_authority"))).isEqualTo(first);
		assertThat(((EnumValue) state.get("source")).variant()).isEqualTo("Skyscanner");
		assertThat(state).containsEntry("is_verified", true).containsEntry("discount_percentage", 30);
	}

	@Test
	void fact14MintBadgeChecksNothingAndAutoAwardGivesUnconditionalBadgesToAnyoneWithStats() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.land(m.p.mintBadge(alice, m.h.wallet(), "FiftyRedemptions", m.h.wallet(), PLAIN));
		DecodedEvent minted = m.event();
		assertThat(m.stats(alice)).isNull();
		String bob = m.h.wallet();
		assertRejected(() -> m.p.autoAwardBadge(m.h.wallet(), m.h.wallet(), bob, "EarlyAdopter", m.h.wallet(), PLAIN),
				"AccountNotInitialized");
		m.land(m.p.ratePromotion(bob, m.promotion, 5, PLAIN));
		assertRejected(() -> m.p.autoAwardBadge(m.h.wallet(), m.h.wallet(), bob, "TopReviewer", m.h.wallet(), PLAIN),
				"InvalidInput");
		long activity = m.stat(bob, "last_activity");
		m.h.passTime(100);
		m.land(m.p.autoAwardBadge(m.h.wallet(), m.h.wallet(), bob, "CommunityModerator", m.h.wallet(), PLAIN));
		assertThat(m.event().name()).isEqualTo(minted.name());
		assertThat(m.event().fields().keySet()).isEqualTo(minted.fields().keySet());
		assertThat(m.stat(bob, "reputation_score")).isEqualTo(1_002);
		assertThat(m.tier(bob)).isEqualTo("Gold");
		assertThat(m.stat(bob, "last_activity")).isEqualTo(activity);
	}

	@Test
	void fact15StakingAmountDurationAndWholeDays() {
		Market m = new Market();
		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		String nftMint = m.mints.get(coupon);
		m.land(m.p.stakeCoupon(alice, coupon, 2, PLAIN));
		assertThat(m.event().fields()).containsEntry("amount", 1_000_000L).containsEntry("duration", 172_800L)
			.containsEntry("expected_rewards", 20_000L).containsOnlyKeys("staker", "amount", "duration",
					"expected_rewards", "timestamp");
		assertThat(m.p.tokenBalance(m.p.stakeVaultAddress(nftMint))).isEqualTo(1);
		m.h.passTime(5 * Market.DAY + 43_200);
		m.land(m.p.claimRewards(alice, coupon, PLAIN));
		assertThat(m.event().fields()).containsEntry("amount", 50_000L).containsOnlyKeys("staker", "amount",
				"timestamp");
		Map<String, Object> stake = m.account(m.p.stakeAddress(coupon, alice));
		assertThat(stake).containsEntry("rewards_earned", 50_000L).containsEntry("is_active", false)
			.containsEntry("amount_staked", 1_000_000L).containsEntry("duration_days", 2L);
		assertThat(m.p.tokenBalance(m.p.tokenAccountAddress(alice, nftMint))).isEqualTo(1);
	}

	@Test
	void fact16MerchantRatedIsNeverEmittedAndThreeInstructionsEmitNothing() {
		Market m = new Market();
		assertThat(m.h.events(m.h.ledger.transactions().get(1))).as("initialize_staking").isEmpty();
		String alice = m.h.wallet();
		m.land(m.p.ratePromotion(alice, m.promotion, 5, PLAIN));
		assertThat(m.events()).extracting(DecodedEvent::name).containsExactly("PromotionRated");
		String coupon = m.mint(alice);
		m.land(m.p.generateRedemptionTicket(alice, coupon, 3, null, null, PLAIN));
		m.land(m.p.cancelRedemptionTicket(alice, m.p.ticketAddress(coupon, alice, 3), PLAIN));
		assertThat(m.events()).as("cancel_redemption_ticket").isEmpty();
		// mint_group_coupon: fact 7
	}

	@Test
	void fact17EventFieldsThatDifferFromAccountFields() {
		Market m = new Market();
		String deal = m.groupDeal(2, 3, 1_000_000, List.of(new long[] { 1, 10 }, new long[] { 2, 20 }));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, PLAIN));
		assertThat(m.event().fields()).containsEntry("amount_escrowed", 1_000_000L).containsEntry("current_discount",
				10);
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, PLAIN));
		assertThat(m.event().fields()).containsEntry("amount_escrowed", 900_000L).containsEntry("current_discount",
				20);
		m.land(m.p.finalizeGroupDeal(m.h.wallet(), deal, PLAIN));
		// 1 900 000 − floor(1 900 000 × 250 / 10 000) = 1 900 000 − 47 500
		assertThat(m.event().fields()).containsEntry("total_revenue", 1_852_500L).containsEntry("final_discount", 20);
		m.land(m.p.updateExternalDeal(m.h.wallet(), "x", "X", 1_000, 600, "Travel", m.h.now() + 9, PLAIN));
		assertThat(m.event().fields()).containsEntry("price", 600L);
		String alice = m.h.wallet();
		m.land(m.p.addComment(alice, m.promotion, "Hi", null, PLAIN));
		String parent = m.p.commentAddress(alice, m.promotion);
		m.land(m.p.addComment(m.h.wallet(), m.promotion, "Re", parent, PLAIN));
		assertThat(m.event().fields()).containsEntry("is_reply", true);
		String coupon = m.mint(alice);
		m.land(m.p.redeemCoupon(alice, coupon, PLAIN));
		assertThat(m.event().fields()).containsEntry("redemption_code", "REDEEMED-" + m.account(coupon).get("id"));
	}

	private static String pda(String prefix, byte[]... seeds) {
		byte[][] all = new byte[seeds.length + 1][];
		all[0] = prefix.getBytes(StandardCharsets.UTF_8);
		System.arraycopy(seeds, 0, all, 1, seeds.length);
		return ProgramDerivedAddress.find(List.of(all), Base58.decode(ProgramHarness.IDL_PROGRAM_ID)).base58();
	}

	static void assertRejected(Runnable instruction, String error) {
		assertThatThrownBy(instruction::run).isInstanceOfSatisfying(InstructionRejected.class,
				rejected -> assertThat(rejected.error()).isEqualTo(error));
	}
}
