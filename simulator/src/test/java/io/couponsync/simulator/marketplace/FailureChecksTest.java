package io.couponsync.simulator.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure checks of document §1–§10, as a table: an instruction whose precondition is violated is rejected
 * with the program's error, and nothing lands. Each row arranges a fresh {@link Market} and returns the violating
 * instruction.
 */
class FailureChecksTest {

	private static final Invocation.Shape P = Invocation.Shape.plain();

	private static final long DAY = Market.DAY;

	/** A row: what is violated, the error the program fails with, and the arranged instruction. */
	record Check(String violation, String error, Function<Market, Runnable> arrange) {

		@Override
		public String toString() {
			return violation + " -> " + error;
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("checks")
	void violatedPreconditionIsRejectedAndNothingLands(Check check) {
		boolean stingyPool = check.violation().contains("pool paying 0") || check.violation().contains("minimum");
		Market m = stingyPool ? new Market(0, 2 * DAY) : new Market();
		Runnable instruction = check.arrange().apply(m);
		int before = m.h.ledger.transactionCount();
		EasyToGetWrongFactsTest.assertRejected(instruction, check.error());
		assertThat(m.h.ledger.transactionCount()).isEqualTo(before);
	}

	static Stream<Check> checks() {
		return Stream.of(
				// §1
				new Check("initialize twice", "AccountAlreadyInUse", m -> () -> m.p.initialize(m.h.wallet(), P)),
				new Check("register_merchant name of 51 bytes", "NameTooLong",
						m -> () -> m.p.registerMerchant(m.h.wallet(), "n".repeat(51), "Food", null, null, P)),
				new Check("register_merchant category of 31 bytes", "CategoryTooLong",
						m -> () -> m.p.registerMerchant(m.h.wallet(), "N", "c".repeat(31), null, null, P)),
				new Check("register_merchant latitude 91", "InvalidCoordinates",
						m -> () -> m.p.registerMerchant(m.h.wallet(), "N", "Food", 91.0, 0.0, P)),
				new Check("register_merchant longitude -181", "InvalidCoordinates",
						m -> () -> m.p.registerMerchant(m.h.wallet(), "N", "Food", 0.0, -181.0, P)),
				new Check("register_merchant twice", "AccountAlreadyInUse",
						m -> () -> m.p.registerMerchant(m.owner, "N", "Food", null, null, P)),
				// §2.1
				new Check("create_promotion discount 0", "InvalidDiscount", m -> {
					m.mint(m.h.wallet());
					return () -> m.p.createPromotion(m.owner, 0, 5, m.h.now() + DAY, "F", "D", 1, P);
				}),
				new Check("create_promotion discount 101", "InvalidDiscount", m -> {
					m.mint(m.h.wallet());
					return () -> m.p.createPromotion(m.owner, 101, 5, m.h.now() + DAY, "F", "D", 1, P);
				}),
				new Check("create_promotion max_supply 0", "InvalidSupply", m -> {
					m.mint(m.h.wallet());
					return () -> m.p.createPromotion(m.owner, 10, 0, m.h.now() + DAY, "F", "D", 1, P);
				}),
				new Check("create_promotion expiry = now", "InvalidExpiry", m -> {
					m.mint(m.h.wallet());
					return () -> m.p.createPromotion(m.owner, 10, 5, m.h.now(), "F", "D", 1, P);
				}),
				new Check("create_promotion category of 31 bytes", "CategoryTooLong", m -> {
					m.mint(m.h.wallet());
					return () -> m.p.createPromotion(m.owner, 10, 5, m.h.now() + DAY, "c".repeat(31), "D", 1, P);
				}),
				new Check("create_promotion description of 201 bytes", "DescriptionTooLong", m -> {
					m.mint(m.h.wallet());
					return () -> m.p.createPromotion(m.owner, 10, 5, m.h.now() + DAY, "F", "d".repeat(201), 1, P);
				}),
				new Check("create_promotion before the coupon count moved", "AccountAlreadyInUse",
						m -> () -> m.p.createPromotion(m.owner, 10, 5, m.h.now() + DAY, "F", "D", 1, P)),
				// §2.2
				new Check("mint_coupon past max_supply", "SupplyExhausted", m -> {
					for (int i = 0; i < 10; i++) {
						m.mint(m.h.wallet());
					}
					return () -> m.mint(m.h.wallet());
				}),
				new Check("mint_coupon after the promotion's expiry", "PromotionExpired", m -> {
					m.h.passTime(30 * DAY);
					return () -> m.mint(m.h.wallet());
				}),
				// §2.3
				new Check("transfer_coupon by a non-owner", "NotCouponOwner", m -> {
					String coupon = m.mint(m.h.wallet());
					return () -> m.p.transferCoupon(m.h.wallet(), coupon, m.h.wallet(), P);
				}),
				new Check("transfer_coupon of a redeemed coupon", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.redeemCoupon(alice, coupon, P));
					return () -> m.p.transferCoupon(alice, coupon, m.h.wallet(), P);
				}),
				new Check("transfer_coupon of an expired coupon", "CouponExpired", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.h.passTime(30 * DAY);
					return () -> m.p.transferCoupon(alice, coupon, m.h.wallet(), P);
				}),
				// §2.4
				new Check("redeem_coupon by a non-owner holding a token", "NotCouponOwner", m -> {
					String bob = m.h.wallet();
					String bobs = m.mint(bob);
					String coupon = m.mint(m.h.wallet());
					return () -> m.p.redeemCoupon(bob, coupon, m.mints.get(bobs), P);
				}),
				new Check("redeem_coupon with another merchant", "WrongMerchant", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					String other = m.h.wallet();
					m.land(m.p.registerMerchant(other, "O", "F", null, null, P));
					return () -> m.p.redeemCoupon(alice, coupon, m.mints.get(coupon), m.p.merchantAddress(other),
							other, P);
				}),
				new Check("redeem_coupon signed by another authority", "NotMerchantAuthority", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					return () -> m.p.redeemCoupon(alice, coupon, m.mints.get(coupon), m.merchant, m.h.wallet(), P);
				}),
				new Check("redeem_coupon twice", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String first = m.mint(alice);
					String second = m.mint(alice);
					m.land(m.p.redeemCoupon(alice, first, m.mints.get(second), P));
					return () -> m.p.redeemCoupon(alice, first, P);
				}),
				new Check("redeem_coupon after expiry", "CouponExpired", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.h.passTime(30 * DAY);
					return () -> m.p.redeemCoupon(alice, coupon, P);
				}),
				new Check("redeem_coupon without a token account of the mint", "AccountNotInitialized", m -> {
					String alice = m.h.wallet();
					String bob = m.h.wallet();
					String coupon = m.mint(bob);
					m.land(m.p.transferCoupon(bob, coupon, alice, P));
					return () -> m.p.redeemCoupon(alice, coupon, P);
				}),
				// §3
				new Check("list_for_sale at price 0", "InvalidPrice", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					return () -> m.p.listForSale(alice, coupon, 0, P);
				}),
				new Check("list_for_sale of a redeemed coupon", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.redeemCoupon(alice, coupon, P));
					return () -> m.p.listForSale(alice, coupon, 5, P);
				}),
				new Check("list_for_sale of an expired coupon", "CouponExpired", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.h.passTime(30 * DAY);
					return () -> m.p.listForSale(alice, coupon, 5, P);
				}),
				new Check("list_for_sale by a non-owner", "NotCouponOwner", m -> {
					String coupon = m.mint(m.h.wallet());
					return () -> m.p.listForSale(m.h.wallet(), coupon, 5, P);
				}),
				new Check("buy_listing of a cancelled listing", "ListingInactive", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					m.land(m.p.cancelListing(alice, m.p.listingAddress(coupon), P));
					return () -> m.p.buyListing(m.h.wallet(), m.p.listingAddress(coupon), P);
				}),
				new Check("buy_listing with another coupon", "WrongCoupon", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					String other = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					return () -> m.p.buyListing(m.h.wallet(), m.p.listingAddress(coupon), other, alice, m.admin, P);
				}),
				new Check("buy_listing paying another seller", "NotListingSeller", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					return () -> m.p.buyListing(m.h.wallet(), m.p.listingAddress(coupon), coupon, m.h.wallet(),
							m.admin, P);
				}),
				new Check("buy_listing paying the fee elsewhere", "NotMarketplaceAuthority", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					return () -> m.p.buyListing(m.h.wallet(), m.p.listingAddress(coupon), coupon, alice,
							m.h.wallet(), P);
				}),
				new Check("buy_listing of a coupon redeemed since", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					m.land(m.p.redeemCoupon(alice, coupon, P));
					return () -> m.p.buyListing(m.h.wallet(), m.p.listingAddress(coupon), P);
				}),
				new Check("buy_listing of an expired coupon", "CouponExpired", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					m.h.passTime(30 * DAY);
					return () -> m.p.buyListing(m.h.wallet(), m.p.listingAddress(coupon), P);
				}),
				new Check("cancel_listing by another", "NotListingSeller", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					return () -> m.p.cancelListing(m.h.wallet(), m.p.listingAddress(coupon), P);
				}),
				new Check("cancel_listing twice", "ListingInactive", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.listForSale(alice, coupon, 5, P));
					m.land(m.p.cancelListing(alice, m.p.listingAddress(coupon), P));
					return () -> m.p.cancelListing(alice, m.p.listingAddress(coupon), P);
				}),
				// §4
				new Check("rate_promotion with 0 stars", "InvalidDiscount",
						m -> () -> m.p.ratePromotion(m.h.wallet(), m.promotion, 0, P)),
				new Check("rate_promotion with 6 stars", "InvalidDiscount",
						m -> () -> m.p.ratePromotion(m.h.wallet(), m.promotion, 6, P)),
				new Check("add_comment of 501 bytes", "DescriptionTooLong",
						m -> () -> m.p.addComment(m.h.wallet(), m.promotion, "c".repeat(501), null, P)),
				new Check("add_comment empty", "NameTooLong",
						m -> () -> m.p.addComment(m.h.wallet(), m.promotion, "", null, P)),
				new Check("add_comment twice", "AccountAlreadyInUse", m -> {
					String alice = m.h.wallet();
					m.land(m.p.addComment(alice, m.promotion, "One", null, P));
					return () -> m.p.addComment(alice, m.promotion, "Two", null, P);
				}),
				new Check("like_comment twice", "AccountAlreadyInUse", m -> {
					String alice = m.h.wallet();
					m.land(m.p.addComment(alice, m.promotion, "One", null, P));
					String comment = m.p.commentAddress(alice, m.promotion);
					m.land(m.p.likeComment(alice, comment, P));
					return () -> m.p.likeComment(alice, comment, P);
				}),
				// §5
				new Check("update_external_deal title of 201 bytes", "InvalidInput",
						m -> () -> m.p.updateExternalDeal(m.h.wallet(), "x", "t".repeat(201), 10, 5, "T", 9, P)),
				new Check("update_external_deal within the hour", "InvalidExpiry", m -> {
					m.land(m.p.updateExternalDeal(m.h.wallet(), "x", "T", 10, 5, "T", 9, P));
					m.h.passTime(3_590);
					return () -> m.p.updateExternalDeal(m.h.wallet(), "x", "T", 10, 4, "T", 9, P);
				}),
				new Check("update_external_deal original price 0", "ArithmeticOverflow",
						m -> () -> m.p.updateExternalDeal(m.h.wallet(), "x", "T", 0, 0, "T", 9, P)),
				new Check("update_external_deal discounted above original", "ArithmeticOverflow",
						m -> () -> m.p.updateExternalDeal(m.h.wallet(), "x", "T", 10, 11, "T", 9, P)),
				// §6
				new Check("mint_badge twice", "AccountAlreadyInUse", m -> {
					String alice = m.h.wallet();
					m.land(m.p.mintBadge(alice, alice, "TopReviewer", m.h.wallet(), P));
					return () -> m.p.mintBadge(alice, alice, "TopReviewer", m.h.wallet(), P);
				}),
				new Check("auto_award_badge without UserStats", "AccountNotInitialized",
						m -> () -> m.p.autoAwardBadge(m.admin, m.admin, m.h.wallet(), "EarlyAdopter", m.h.wallet(), P)),
				new Check("auto_award_badge TenRedemptions after one", "InvalidInput", m -> {
					String alice = m.h.wallet();
					m.land(m.p.redeemCoupon(alice, m.mint(alice), P));
					return () -> m.p.autoAwardBadge(m.admin, m.admin, alice, "TenRedemptions", m.h.wallet(), P);
				}),
				new Check("auto_award_badge FirstPurchase without a purchase", "InvalidInput", m -> {
					String alice = m.h.wallet();
					m.land(m.p.ratePromotion(alice, m.promotion, 3, P));
					return () -> m.p.autoAwardBadge(m.admin, m.admin, alice, "FirstPurchase", m.h.wallet(), P);
				}),
				new Check("auto_award_badge twice", "InvalidInput", m -> {
					String alice = m.h.wallet();
					m.mint(alice);
					m.land(m.p.autoAwardBadge(m.admin, m.admin, alice, "FirstPurchase", m.h.wallet(), P));
					return () -> m.p.autoAwardBadge(m.admin, m.admin, alice, "FirstPurchase", m.h.wallet(), P);
				}),
				// §7
				new Check("initialize_staking twice", "AccountAlreadyInUse",
						m -> () -> m.p.initializeStaking(m.h.wallet(), 1, 1, P)),
				new Check("stake_coupon by a non-owner", "NotCouponOwner", m -> {
					String coupon = m.mint(m.h.wallet());
					return () -> m.p.stakeCoupon(m.h.wallet(), coupon, 1, P);
				}),
				new Check("stake_coupon of a redeemed coupon", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					String other = m.mint(alice);
					m.land(m.p.redeemCoupon(alice, coupon, m.mints.get(other), P));
					return () -> m.p.stakeCoupon(alice, coupon, 1, P);
				}),
				new Check("stake_coupon with another mint", "WrongCoupon", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					String other = m.mint(alice);
					return () -> m.p.stakeCoupon(alice, coupon, m.mints.get(other), 1, P);
				}),
				new Check("stake_coupon for 0 days", "InvalidInput", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					return () -> m.p.stakeCoupon(alice, coupon, 0, P);
				}),
				new Check("stake_coupon below the pool's minimum", "InvalidExpiry", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					return () -> m.p.stakeCoupon(alice, coupon, 1, P);
				}),
				new Check("stake_coupon of a group coupon (no mint)", "ProgramPanicked", m -> {
					String alice = m.h.wallet();
					String deal = m.groupDeal(2, 2, 10, List.of());
					m.land(m.p.joinGroupDeal(alice, deal, P));
					m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
					m.land(m.p.finalizeGroupDeal(alice, deal, P));
					m.land(m.p.mintGroupCoupon(alice, deal, alice, 1, P));
					return () -> m.p.stakeCoupon(alice, m.p.groupCouponAddress(deal, alice), 1, P);
				}),
				new Check("claim_rewards twice", "PromotionInactive", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.stakeCoupon(alice, coupon, 1, P));
					m.h.passTime(DAY);
					m.land(m.p.claimRewards(alice, coupon, P));
					return () -> m.p.claimRewards(alice, coupon, P);
				}),
				new Check("claim_rewards signed by another reward pool", "NotMarketplaceAuthority", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.stakeCoupon(alice, coupon, 1, P));
					m.h.passTime(DAY);
					return () -> m.p.claimRewards(alice, coupon, m.h.wallet(), P);
				}),
				new Check("claim_rewards before unlock", "InvalidExpiry", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.stakeCoupon(alice, coupon, 1, P));
					m.h.passTime(DAY - 10);
					return () -> m.p.claimRewards(alice, coupon, P);
				}),
				new Check("claim_rewards from a pool paying 0 per day", "InvalidPrice", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.stakeCoupon(alice, coupon, 2, P));
					m.h.passTime(2 * DAY);
					return () -> m.p.claimRewards(alice, coupon, P);
				}),
				// §8
				new Check("generate_redemption_ticket by a non-owner", "NotCouponOwner", m -> {
					String coupon = m.mint(m.h.wallet());
					return () -> m.p.generateRedemptionTicket(m.h.wallet(), coupon, 1, null, null, P);
				}),
				new Check("generate_redemption_ticket of a redeemed coupon", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.redeemCoupon(alice, coupon, P));
					return () -> m.p.generateRedemptionTicket(alice, coupon, 1, null, null, P);
				}),
				new Check("generate_redemption_ticket of an expired coupon", "CouponExpired", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.h.passTime(30 * DAY);
					return () -> m.p.generateRedemptionTicket(alice, coupon, 1, null, null, P);
				}),
				new Check("generate_redemption_ticket at latitude -91", "InvalidCoordinates", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					return () -> m.p.generateRedemptionTicket(alice, coupon, 1, -91.0, 0.0, P);
				}),
				new Check("generate_redemption_ticket with a nonce in use", "AccountAlreadyInUse", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.generateRedemptionTicket(alice, coupon, 1, null, null, P));
					return () -> m.p.generateRedemptionTicket(alice, coupon, 1, null, null, P);
				}),
				ticketCheck("verify_and_redeem_ticket of a consumed ticket", "CouponAlreadyRedeemed",
						(m, t) -> {
							m.land(m.p.verifyAndRedeemTicket(m.owner, t.ticket, P));
							return () -> m.p.verifyAndRedeemTicket(m.owner, t.ticket, P);
						}),
				ticketCheck("verify_and_redeem_ticket of a coupon redeemed since", "CouponAlreadyRedeemed",
						(m, t) -> {
							m.land(m.p.redeemCoupon(t.user, t.coupon, m.mints.get(m.mint(t.user)), P));
							return () -> m.p.verifyAndRedeemTicket(m.owner, t.ticket, P);
						}),
				ticketCheck("verify_and_redeem_ticket at another merchant", "WrongMerchant", (m, t) -> {
					String other = m.h.wallet();
					m.land(m.p.registerMerchant(other, "O", "F", null, null, P));
					return () -> m.p.verifyAndRedeemTicket(other, t.user, t.ticket, t.coupon,
							m.p.merchantAddress(other), t.hash(m), P);
				}),
				ticketCheck("verify_and_redeem_ticket with another coupon", "WrongCoupon", (m, t) -> {
					String other = m.mint(t.user);
					return () -> m.p.verifyAndRedeemTicket(m.owner, t.user, t.ticket, other, m.merchant, t.hash(m), P);
				}),
				ticketCheck("verify_and_redeem_ticket signed by another authority", "NotMerchantAuthority",
						(m, t) -> () -> m.p.verifyAndRedeemTicket(m.h.wallet(), t.user, t.ticket, t.coupon, m.merchant,
								t.hash(m), P)),
				ticketCheck("verify_and_redeem_ticket co-signed by another user", "NotCouponOwner",
						(m, t) -> () -> m.p.verifyAndRedeemTicket(m.owner, m.h.wallet(), t.ticket, t.coupon,
								m.merchant, t.hash(m), P)),
				ticketCheck("verify_and_redeem_ticket after 300 s", "CouponExpired", (m, t) -> {
					m.h.passTime(300);
					return () -> m.p.verifyAndRedeemTicket(m.owner, t.ticket, P);
				}),
				ticketCheck("verify_and_redeem_ticket with another hash", "InvalidInput",
						(m, t) -> () -> m.p.verifyAndRedeemTicket(m.owner, t.user, t.ticket, t.coupon, m.merchant,
								new byte[32], P)),
				new Check("verify_and_redeem_ticket for a user without UserStats", "AccountNotInitialized", m -> {
					String alice = m.h.wallet();
					String bob = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.transferCoupon(alice, coupon, bob, P));
					m.land(m.p.generateRedemptionTicket(bob, coupon, 1, null, null, P));
					return () -> m.p.verifyAndRedeemTicket(m.owner, m.p.ticketAddress(coupon, bob, 1), P);
				}),
				new Check("cancel_redemption_ticket by another", "NotCouponOwner", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.generateRedemptionTicket(alice, coupon, 1, null, null, P));
					return () -> m.p.cancelRedemptionTicket(m.h.wallet(), m.p.ticketAddress(coupon, alice, 1), P);
				}),
				ticketCheck("cancel_redemption_ticket of a consumed ticket", "CouponAlreadyRedeemed", (m, t) -> {
					m.land(m.p.verifyAndRedeemTicket(m.owner, t.ticket, P));
					return () -> m.p.cancelRedemptionTicket(t.user, t.ticket, P);
				}),
				// §9.1
				dealCreation("create_group_deal with another merchant", "WrongMerchant", m -> {
					String other = otherMerchant(m);
					return () -> m.p.createGroupDeal(m.h.wallet(), m.promotion, other, 1, 2, 2, 10, List.of(), 3_600,
							P);
				}),
				dealCreation("create_group_deal target 1", "InvalidSupply", m -> () -> createDeal(m, 1, 2, 10,
						List.of(), 3_600)),
				dealCreation("create_group_deal max below target", "InvalidSupply", m -> () -> createDeal(m, 3, 2,
						10, List.of(), 3_600)),
				dealCreation("create_group_deal max above the promotion's supply", "SupplyExhausted",
						m -> () -> createDeal(m, 2, 11, 10, List.of(), 3_600)),
				dealCreation("create_group_deal base price 0", "InvalidPrice",
						m -> () -> createDeal(m, 2, 2, 0, List.of(), 3_600)),
				dealCreation("create_group_deal for 3599 s", "InvalidExpiry",
						m -> () -> createDeal(m, 2, 2, 10, List.of(), 3_599)),
				dealCreation("create_group_deal with 6 tiers", "InvalidInput", m -> () -> createDeal(m, 2, 2, 10,
						List.of(tier(1, 1), tier(2, 2), tier(3, 3), tier(4, 4), tier(5, 5), tier(6, 6)), 3_600)),
				dealCreation("create_group_deal with tiers not strictly increasing", "InvalidInput",
						m -> () -> createDeal(m, 2, 2, 10, List.of(tier(2, 5), tier(2, 10)), 3_600)),
				dealCreation("create_group_deal with a tier of 51 %", "InvalidDiscount",
						m -> () -> createDeal(m, 2, 2, 10, List.of(tier(2, 51)), 3_600)),
				// §9.2
				new Check("join_group_deal after finalization", "ListingInactive", m -> {
					String deal = filledDeal(m);
					m.land(m.p.finalizeGroupDeal(m.owner, deal, P));
					return () -> m.p.joinGroupDeal(m.h.wallet(), deal, P);
				}),
				new Check("join_group_deal when full", "SupplyExhausted", m -> {
					String deal = filledDeal(m);
					return () -> m.p.joinGroupDeal(m.h.wallet(), deal, P);
				}),
				new Check("join_group_deal after the deadline", "CouponExpired", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					m.h.passTime(3_601);
					return () -> m.p.joinGroupDeal(m.h.wallet(), deal, P);
				}),
				new Check("join_group_deal twice", "AccountAlreadyInUse", m -> {
					String deal = m.groupDeal(2, 3, 10, List.of());
					String alice = m.h.wallet();
					m.land(m.p.joinGroupDeal(alice, deal, P));
					return () -> m.p.joinGroupDeal(alice, deal, P);
				}),
				// §9.3
				new Check("finalize_group_deal twice", "InvalidExpiry", m -> {
					String deal = filledDeal(m);
					m.land(m.p.finalizeGroupDeal(m.owner, deal, P));
					return () -> m.p.finalizeGroupDeal(m.owner, deal, P);
				}),
				new Check("finalize_group_deal before target and deadline", "InvalidExpiry", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
					return () -> m.p.finalizeGroupDeal(m.owner, deal, P);
				}),
				new Check("finalize_group_deal after the deadline, target missed", "InvalidSupply", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
					m.h.passTime(3_601);
					return () -> m.p.finalizeGroupDeal(m.owner, deal, P);
				}),
				new Check("finalize_group_deal paying another authority", "NotMerchantAuthority", m -> {
					String deal = filledDeal(m);
					return () -> m.p.finalizeGroupDeal(m.owner, deal, m.promotion, m.merchant, m.h.wallet(), P);
				}),
				// §9.4
				new Check("refund_group_deal before the deadline", "InvalidExpiry", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					String alice = m.h.wallet();
					m.land(m.p.joinGroupDeal(alice, deal, P));
					return () -> m.p.refundGroupDeal(alice, deal, P);
				}),
				new Check("refund_group_deal of a deal that reached its target", "InvalidSupply", m -> {
					String deal = filledDeal(m);
					String user = participant(m, deal);
					m.h.passTime(3_601);
					return () -> m.p.refundGroupDeal(user, deal, P);
				}),
				new Check("refund_group_deal with a participant of another deal", "WrongCoupon", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					String other = m.groupDeal(2, 2, 10, List.of());
					String alice = m.h.wallet();
					m.land(m.p.joinGroupDeal(alice, deal, P));
					m.land(m.p.joinGroupDeal(alice, other, P));
					m.h.passTime(3_601);
					return () -> m.p.refundGroupDeal(alice, deal, m.p.participantAddress(other, alice), alice, P);
				}),
				new Check("refund_group_deal twice", "CouponAlreadyRedeemed", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					String alice = m.h.wallet();
					m.land(m.p.joinGroupDeal(alice, deal, P));
					m.h.passTime(3_601);
					m.land(m.p.refundGroupDeal(alice, deal, P));
					return () -> m.p.refundGroupDeal(alice, deal, P);
				}),
				new Check("refund_group_deal to another user", "NotCouponOwner", m -> {
					String deal = m.groupDeal(2, 2, 10, List.of());
					String alice = m.h.wallet();
					m.land(m.p.joinGroupDeal(alice, deal, P));
					m.h.passTime(3_601);
					return () -> m.p.refundGroupDeal(alice, deal, m.p.participantAddress(deal, alice), m.h.wallet(),
							P);
				}),
				// §9.5
				new Check("mint_group_coupon before finalization", "PromotionInactive", m -> {
					String deal = filledDeal(m);
					String user = participant(m, deal);
					return () -> m.p.mintGroupCoupon(m.h.wallet(), deal, user, 1, P);
				}),
				new Check("mint_group_coupon with a participant of another deal", "WrongCoupon", m -> {
					String deal = filledDeal(m);
					m.land(m.p.finalizeGroupDeal(m.owner, deal, P));
					String other = m.groupDeal(2, 2, 10, List.of());
					String alice = m.h.wallet();
					m.land(m.p.joinGroupDeal(alice, other, P));
					return () -> m.p.mintGroupCoupon(alice, deal, m.p.participantAddress(other, alice), m.promotion, 1,
							P);
				}),
				new Check("mint_group_coupon twice", "CouponAlreadyRedeemed", m -> {
					String deal = filledDeal(m);
					String user = participant(m, deal);
					m.land(m.p.finalizeGroupDeal(m.owner, deal, P));
					m.land(m.p.mintGroupCoupon(user, deal, user, 1, P));
					return () -> m.p.mintGroupCoupon(user, deal, user, 2, P);
				}),
				// §10.1
				auctionCreation("create_auction by a non-owner", "NotCouponOwner",
						(m, c) -> () -> m.p.createAuction(m.h.wallet(), c, 1, "English", 10, 10, 600, false, 1, P)),
				new Check("create_auction of a redeemed coupon", "CouponAlreadyRedeemed", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.land(m.p.redeemCoupon(alice, coupon, P));
					return () -> m.p.createAuction(alice, coupon, 1, "English", 10, 10, 600, false, 1, P);
				}),
				new Check("create_auction of an expired coupon", "CouponExpired", m -> {
					String alice = m.h.wallet();
					String coupon = m.mint(alice);
					m.h.passTime(30 * DAY);
					return () -> m.p.createAuction(alice, coupon, 1, "English", 10, 10, 600, false, 1, P);
				}),
				auctionCreation("create_auction starting price 0", "InvalidPrice",
						(m, c) -> () -> auction(m, c, "Dutch", 0, 10, 600, 1)),
				auctionCreation("create_auction reserve 0", "InvalidPrice",
						(m, c) -> () -> auction(m, c, "English", 10, 0, 600, 1)),
				auctionCreation("create_auction English reserve above start", "InvalidPrice",
						(m, c) -> () -> auction(m, c, "English", 10, 11, 600, 1)),
				auctionCreation("create_auction Dutch reserve = start", "InvalidPrice",
						(m, c) -> () -> auction(m, c, "Dutch", 10, 10, 600, 1)),
				auctionCreation("create_auction SealedBid increment 0", "InvalidPrice",
						(m, c) -> () -> auction(m, c, "SealedBid", 10, 10, 600, 0)),
				auctionCreation("create_auction for 299 s", "InvalidExpiry",
						(m, c) -> () -> auction(m, c, "English", 10, 10, 299, 1)),
				auctionCreation("create_auction for 604801 s", "InvalidExpiry",
						(m, c) -> () -> auction(m, c, "English", 10, 10, 604_801, 1)),
				// §10.2
				auctionCheck("place_bid on a sold auction", "ListingInactive", "English", (m, a) -> {
					m.land(m.p.placeBid(m.h.wallet(), a, 20, P));
					m.h.passTime(601);
					m.land(m.p.finalizeAuction(m.h.wallet(), a, P));
					return () -> m.p.placeBid(m.h.wallet(), a, 100, P);
				}),
				auctionCheck("place_bid on a Dutch auction", "InvalidInput", "Dutch",
						(m, a) -> () -> m.p.placeBid(m.h.wallet(), a, 100, P)),
				auctionCheck("place_bid after the end", "CouponExpired", "English", (m, a) -> {
					m.h.passTime(601);
					return () -> m.p.placeBid(m.h.wallet(), a, 100, P);
				}),
				auctionCheck("place_bid English below current + increment", "InvalidPrice", "English",
						(m, a) -> () -> m.p.placeBid(m.h.wallet(), a, 19, P)),
				auctionCheck("place_bid SealedBid below the starting price", "InvalidPrice", "SealedBid",
						(m, a) -> () -> m.p.placeBid(m.h.wallet(), a, 9, P)),
				// §10.3
				auctionCheck("buy_dutch_auction twice", "ListingInactive", "Dutch", (m, a) -> {
					m.land(m.p.buyDutchAuction(m.h.wallet(), a, P));
					return () -> m.p.buyDutchAuction(m.h.wallet(), a, P);
				}),
				auctionCheck("buy_dutch_auction of an English auction", "InvalidInput", "English",
						(m, a) -> () -> m.p.buyDutchAuction(m.h.wallet(), a, P)),
				auctionCheck("buy_dutch_auction with another coupon", "WrongCoupon", "Dutch", (m, a) -> {
					String other = m.mint(m.h.wallet());
					return () -> m.p.buyDutchAuction(m.h.wallet(), a, other, seller(m, a), m.admin, P);
				}),
				auctionCheck("buy_dutch_auction paying another seller", "NotListingSeller", "Dutch",
						(m, a) -> () -> m.p.buyDutchAuction(m.h.wallet(), a, coupon(m, a), m.h.wallet(), m.admin, P)),
				auctionCheck("buy_dutch_auction paying the fee elsewhere", "NotMarketplaceAuthority", "Dutch",
						(m, a) -> () -> m.p.buyDutchAuction(m.h.wallet(), a, coupon(m, a), seller(m, a), m.h.wallet(),
								P)),
				auctionCheck("buy_dutch_auction after the end", "CouponExpired", "Dutch", (m, a) -> {
					m.h.passTime(601);
					return () -> m.p.buyDutchAuction(m.h.wallet(), a, P);
				}),
				// §10.4
				auctionCheck("finalize_auction before the end", "InvalidExpiry", "SealedBid",
						(m, a) -> () -> m.p.finalizeAuction(m.h.wallet(), a, P)),
				auctionCheck("finalize_auction with another coupon", "WrongCoupon", "SealedBid", (m, a) -> {
					String other = m.mint(m.h.wallet());
					m.h.passTime(601);
					return () -> m.p.finalizeAuction(m.h.wallet(), a, other, seller(m, a), seller(m, a), m.admin, P);
				}),
				auctionCheck("finalize_auction paying another seller", "NotListingSeller", "SealedBid", (m, a) -> {
					m.h.passTime(601);
					return () -> m.p.finalizeAuction(m.h.wallet(), a, coupon(m, a), m.h.wallet(), seller(m, a),
							m.admin, P);
				}),
				auctionCheck("finalize_auction paying the fee elsewhere", "NotMarketplaceAuthority", "SealedBid",
						(m, a) -> {
							m.h.passTime(601);
							return () -> m.p.finalizeAuction(m.h.wallet(), a, coupon(m, a), seller(m, a), seller(m, a),
									m.h.wallet(), P);
						}),
				auctionCheck("finalize_auction of an English auction without bids", "InvalidInput", "English",
						(m, a) -> {
							m.h.passTime(601);
							return () -> m.p.finalizeAuction(m.h.wallet(), a, P);
						}),
				auctionCheck("finalize_auction naming another winner", "NotCouponOwner", "English", (m, a) -> {
					m.land(m.p.placeBid(m.h.wallet(), a, 20, P));
					m.h.passTime(601);
					return () -> m.p.finalizeAuction(m.h.wallet(), a, coupon(m, a), seller(m, a), seller(m, a),
							m.admin, P);
				}),
				auctionCheck("finalize_auction naming a winner without UserStats", "AccountNotInitialized",
						"SealedBid", (m, a) -> {
							m.h.passTime(601);
							return () -> m.p.finalizeAuction(m.h.wallet(), a, coupon(m, a), seller(m, a), m.h.wallet(),
									m.admin, P);
						}),
				// §10.5
				auctionCheck("cancel_auction of a finalized auction", "ListingInactive", "SealedBid", (m, a) -> {
					m.h.passTime(601);
					m.land(m.p.finalizeAuction(m.h.wallet(), a, P));
					return () -> m.p.cancelAuction(seller(m, a), a, P);
				}),
				auctionCheck("cancel_auction with bids", "InvalidInput", "SealedBid", (m, a) -> {
					m.land(m.p.placeBid(m.h.wallet(), a, 10, P));
					return () -> m.p.cancelAuction(seller(m, a), a, P);
				}),
				auctionCheck("cancel_auction by another", "NotListingSeller", "SealedBid",
						(m, a) -> () -> m.p.cancelAuction(m.h.wallet(), a, P)));
	}

	/** A live ticket: its user, coupon and address. */
	record Ticket(String user, String coupon, String ticket) {

		byte[] hash(Market m) {
			return (byte[]) m.account(ticket).get("ticket_hash");
		}
	}

	private static Check ticketCheck(String violation, String error,
			java.util.function.BiFunction<Market, Ticket, Runnable> arrange) {
		return new Check(violation, error, m -> {
			String alice = m.h.wallet();
			String coupon = m.mint(alice);
			m.land(m.p.generateRedemptionTicket(alice, coupon, 5, 45.0, 5.0, P));
			return arrange.apply(m, new Ticket(alice, coupon, m.p.ticketAddress(coupon, alice, 5)));
		});
	}

	private static Check dealCreation(String violation, String error, Function<Market, Runnable> arrange) {
		return new Check(violation, error, arrange);
	}

	private static void createDeal(Market m, long target, long max, long base, List<long[]> tiers, long duration) {
		m.p.createGroupDeal(m.h.wallet(), m.promotion, 1, target, max, base, tiers, duration, P);
	}

	private static long[] tier(long minParticipants, long discount) {
		return new long[] { minParticipants, discount };
	}

	private static String otherMerchant(Market m) {
		String other = m.h.wallet();
		m.land(m.p.registerMerchant(other, "O", "F", null, null, P));
		return m.p.merchantAddress(other);
	}

	/** A deal of target and max 2, both places taken. */
	private static String filledDeal(Market m) {
		String deal = m.groupDeal(2, 2, 10, List.of());
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
		return deal;
	}

	/** The user of the deal's last join, read from its GroupDealJoined event. */
	private static String participant(Market m, String deal) {
		return Market.key(m.h.events(m.h.ledger.transactions().get(m.h.ledger.transactionCount() - 1)).get(0)
			.fields().get("user"));
	}

	private static Check auctionCreation(String violation, String error,
			java.util.function.BiFunction<Market, String, Runnable> arrange) {
		return new Check(violation, error, m -> arrange.apply(m, m.mint(m.h.wallet())));
	}

	private static void auction(Market m, String coupon, String type, long start, long reserve, long duration,
			long increment) {
		String seller = Market.key(m.account(coupon).get("owner"));
		m.p.createAuction(seller, coupon, 1, type, start, reserve, duration, false, increment, P);
	}

	/** An auction of 600 s starting at 10 (English, SealedBid: reserve 10; Dutch: reserve 5, increment 1). */
	private static Check auctionCheck(String violation, String error, String type,
			java.util.function.BiFunction<Market, String, Runnable> arrange) {
		return new Check(violation, error, m -> {
			String alice = m.h.wallet();
			String coupon = m.mint(alice);
			String auction = m.auction(alice, coupon, type, 10, "Dutch".equals(type) ? 5 : 10, false, 10);
			return arrange.apply(m, auction);
		});
	}

	private static String seller(Market m, String auction) {
		return Market.key(m.account(auction).get("seller"));
	}

	private static String coupon(Market m, String auction) {
		return Market.key(m.account(auction).get("coupon"));
	}
}
