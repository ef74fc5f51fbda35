package io.couponsync.simulator.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Document §11, row by row: every counter field and every instruction that changes it (or, where the document
 * says so, does not). Expected values are written by hand from the document.
 */
class CounterFieldsTest {

	private static final Invocation.Shape PLAIN = Invocation.Shape.plain();

	@Test
	void mintCouponCountsOnMerchantPromotionAndMarketplaceButCreatePromotionDoesNot() {
		Market m = new Market();
		assertThat(m.number(m.merchant, "total_coupons_created")).as("after create_promotion alone").isEqualTo(0);
		assertThat(m.number(m.promotion, "current_supply")).isEqualTo(0);
		assertThat(m.number(m.p.marketplaceAddress(), "total_coupons")).isEqualTo(0);
		m.mint(m.h.wallet());
		m.mint(m.h.wallet());
		m.mint(m.h.wallet());
		assertThat(m.number(m.merchant, "total_coupons_created")).isEqualTo(3);
		assertThat(m.number(m.promotion, "current_supply")).isEqualTo(3);
		assertThat(m.number(m.p.marketplaceAddress(), "total_coupons")).isEqualTo(3);
	}

	@Test
	void registerMerchantCountsMerchants() {
		Market m = new Market();
		assertThat(m.number(m.p.marketplaceAddress(), "total_merchants")).isEqualTo(1);
		m.land(m.p.registerMerchant(m.h.wallet(), "Second", "Books", 10.0, 20.0, PLAIN));
		assertThat(m.number(m.p.marketplaceAddress(), "total_merchants")).isEqualTo(2);
	}

	@Test
	void finalizeGroupDealAddsParticipantsToPromotionAndMerchantNotMarketplaceAndGroupCouponsAddNothing() {
		Market m = new Market();
		String deal = m.groupDeal(2, 3, 1_000_000, List.of());
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		m.land(m.p.joinGroupDeal(alice, deal, PLAIN));
		m.land(m.p.joinGroupDeal(bob, deal, PLAIN));
		m.land(m.p.finalizeGroupDeal(m.h.wallet(), deal, PLAIN));
		assertThat(m.number(m.promotion, "current_supply")).isEqualTo(2);
		assertThat(m.number(m.merchant, "total_coupons_created")).isEqualTo(2);
		assertThat(m.number(m.p.marketplaceAddress(), "total_coupons")).isEqualTo(0);
		m.land(m.p.mintGroupCoupon(m.h.wallet(), deal, alice, 77, PLAIN));
		assertThat(m.number(m.promotion, "current_supply")).isEqualTo(2);
		assertThat(m.number(m.merchant, "total_coupons_created")).isEqualTo(2);
		assertThat(m.number(m.p.marketplaceAddress(), "total_coupons")).isEqualTo(0);
		assertThat(m.stat(alice, "total_purchases")).isEqualTo(0);
	}

	@Test
	void redeemCouponAndVerifiedTicketEachCountOneRedemption() {
		Market m = new Market();
		String alice = m.h.wallet();
		String first = m.mint(alice);
		String second = m.mint(alice);
		m.land(m.p.redeemCoupon(alice, first, PLAIN));
		assertThat(m.number(m.merchant, "total_coupons_redeemed")).isEqualTo(1);
		assertThat(m.stat(alice, "total_redemptions")).isEqualTo(1);
		m.land(m.p.generateRedemptionTicket(alice, second, 9, null, null, PLAIN));
		m.land(m.p.verifyAndRedeemTicket(m.owner, m.p.ticketAddress(second, alice, 9), PLAIN));
		assertThat(m.number(m.merchant, "total_coupons_redeemed")).isEqualTo(2);
		assertThat(m.stat(alice, "total_redemptions")).isEqualTo(2);
	}

	@Test
	void totalPurchasesCountsMintDutchBuyAndAuctionSaleOnly() {
		Market m = new Market();
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		String coupon = m.mint(alice);
		assertThat(m.stat(alice, "total_purchases")).as("mint_coupon").isEqualTo(1);
		m.land(m.p.listForSale(alice, coupon, 2_000_000, PLAIN));
		m.land(m.p.buyListing(bob, m.p.listingAddress(coupon), PLAIN));
		assertThat(m.stats(bob)).as("buy_listing creates no stats").isNull();
		String dutch = m.auction(bob, coupon, "Dutch", 4_000_000, 1_000_000, false, 1);
		String carol = m.h.wallet();
		m.land(m.p.buyDutchAuction(carol, dutch, PLAIN));
		assertThat(m.stat(carol, "total_purchases")).as("buy_dutch_auction").isEqualTo(1);
		String english = m.auction(carol, coupon, "English", 1_000_000, 1_000_000, false, 100_000);
		String dave = m.h.wallet();
		m.land(m.p.placeBid(dave, english, 1_100_000, PLAIN));
		assertThat(m.stat(dave, "total_purchases")).as("place_bid").isEqualTo(0);
		m.h.passTime(601);
		m.land(m.p.finalizeAuction(m.h.wallet(), english, PLAIN));
		assertThat(m.stat(dave, "total_purchases")).as("finalize_auction sale").isEqualTo(1);
		String deal = m.groupDeal(2, 2, 1_000_000, List.of());
		String erin = m.h.wallet();
		m.land(m.p.joinGroupDeal(erin, deal, PLAIN));
		assertThat(m.stat(erin, "total_purchases")).as("join_group_deal").isEqualTo(0);
		assertThat(m.stat(erin, "reputation_score")).isEqualTo(3);
	}

	@Test
	void ratingsCommentsAndListingsCounters() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.land(m.p.ratePromotion(alice, m.promotion, 4, PLAIN));
		assertThat(m.stat(alice, "total_ratings_given")).isEqualTo(1);
		m.land(m.p.ratePromotion(alice, m.promotion, 2, PLAIN));
		assertThat(m.stat(alice, "total_ratings_given")).as("re-rating").isEqualTo(1);
		assertThat(m.stat(alice, "reputation_score")).isEqualTo(2);
		m.land(m.p.addComment(alice, m.promotion, "Nice", null, PLAIN));
		assertThat(m.stat(alice, "total_comments")).isEqualTo(1);
		String coupon = m.mint(alice);
		m.land(m.p.listForSale(alice, coupon, 1_000_000, PLAIN));
		assertThat(m.stat(alice, "total_listings")).isEqualTo(1);
		m.auction(alice, coupon, "English", 2_000_000, 1_000_000, false, 100_000);
		assertThat(m.stat(alice, "total_listings")).isEqualTo(2);
		// rate +2, comment +1, mint +5, list +3, auction +5
		assertThat(m.stat(alice, "reputation_score")).isEqualTo(16);
	}

	@Test
	void likesParticipantsEscrowBidsAndEndTime() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.land(m.p.addComment(alice, m.promotion, "Nice", null, PLAIN));
		String comment = m.p.commentAddress(alice, m.promotion);
		m.land(m.p.likeComment(m.h.wallet(), comment, PLAIN));
		m.land(m.p.likeComment(m.h.wallet(), comment, PLAIN));
		assertThat(m.number(comment, "likes")).isEqualTo(2);

		String deal = m.groupDeal(3, 4, 1_000_000, List.of(new long[] { 1, 10 }));
		String bob = m.h.wallet();
		m.land(m.p.joinGroupDeal(bob, deal, PLAIN));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, PLAIN));
		// the first join is priced at 0 participants (no tier): 1 000 000; the second at 1 (10 %): 900 000
		assertThat(m.number(deal, "current_participants")).isEqualTo(2);
		assertThat(m.number(deal, "total_escrowed")).isEqualTo(1_900_000);
		m.h.passTime(3_601);
		m.land(m.p.refundGroupDeal(bob, deal, PLAIN));
		assertThat(m.number(deal, "current_participants")).as("refunds decrease nothing").isEqualTo(2);
		assertThat(m.number(deal, "total_escrowed")).isEqualTo(1_900_000);

		String coupon = m.mint(alice);
		String auction = m.auction(alice, coupon, "English", 1_000_000, 500_000, true, 100_000);
		long end = m.number(auction, "end_time");
		m.land(m.p.placeBid(bob, auction, 1_100_000, PLAIN));
		assertThat(m.number(auction, "bid_count")).isEqualTo(1);
		assertThat(m.number(auction, "end_time")).as("600 s left: no extension").isEqualTo(end);
		m.h.passTime(400);
		m.land(m.p.placeBid(m.h.wallet(), auction, 1_200_000, PLAIN));
		assertThat(m.number(auction, "bid_count")).isEqualTo(2);
		assertThat(m.number(auction, "end_time")).as("under 300 s left: +300").isEqualTo(end + 300);
	}

	@Test
	void verificationCountAndStakingPoolTotals() {
		Market m = new Market();
		String deal = m.p.externalDealAddress("sky-1");
		m.land(m.p.updateExternalDeal(m.h.wallet(), "sky-1", "Paris", 10_000, 7_500, "Travel", m.h.now() + Market.DAY,
				PLAIN));
		assertThat(m.number(deal, "verification_count")).isEqualTo(1);
		m.h.passTime(3_600);
		m.land(m.p.updateExternalDeal(m.h.wallet(), "sky-1", "Paris", 10_000, 8_000, "Travel", m.h.now() + Market.DAY,
				PLAIN));
		assertThat(m.number(deal, "verification_count")).isEqualTo(2);

		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		String pool = m.p.stakingPoolAddress();
		m.land(m.p.stakeCoupon(alice, coupon, 2, PLAIN));
		assertThat(m.number(pool, "total_staked")).isEqualTo(1_000_000);
		m.h.passTime(3 * Market.DAY + 5);
		m.land(m.p.claimRewards(alice, coupon, PLAIN));
		assertThat(m.number(pool, "total_staked")).isEqualTo(0);
		// 1 000 000 × 100 × 3 whole days / 10 000
		assertThat(m.number(pool, "total_rewards_distributed")).isEqualTo(30_000);
	}

	@Test
	void autoAwardBadgeAppendsTheBadgeAndItsReputation() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.mint(alice);
		m.land(m.p.autoAwardBadge(m.h.wallet(), m.h.wallet(), alice, "FirstPurchase", m.h.wallet(), PLAIN));
		m.land(m.p.autoAwardBadge(m.h.wallet(), m.h.wallet(), alice, "MerchantPartner", m.h.wallet(), PLAIN));
		assertThat((byte[]) m.stats(alice).get("badges_earned")).containsExactly(0, 5);
		// mint +5, FirstPurchase +10, MerchantPartner +300
		assertThat(m.stat(alice, "reputation_score")).isEqualTo(315);
		assertThat(m.tier(alice)).isEqualTo("Silver");
	}
}
