package io.couponsync.simulator.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;
import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;

/**
 * Every event the program emits, decoded from the transaction's logs with the project's decoder, field by field as
 * document §1–§10 says where each value comes from. Expected values are written by hand (keys are the accounts
 * the test itself made; times are the Clock the test set).
 */
class EventFieldsTest {

	private static final Invocation.Shape P = Invocation.Shape.plain();

	private static final String DEFAULT_KEY = "11111111111111111111111111111111";

	@Test
	void marketplaceMerchantAndPromotionEvents() {
		Market m = new Market();
		long now = m.h.now();
		DecodedEvent initialized = m.h.event(m.h.ledger.transactions().get(0));
		assertThat(initialized.source()).isEqualTo(DecodedEvent.Source.LOG);
		assertFields(initialized, Map.of("marketplace", key(m.p.marketplaceAddress()), "authority", key(m.admin),
				"fee_basis_points", 250, "timestamp", now));
		assertFields(m.h.event(m.h.ledger.transactions().get(2)), Map.of("merchant", key(m.merchant), "authority",
				key(m.owner), "name", "Bistro", "category", "Food", "timestamp", now));
		assertFields(m.h.event(m.h.ledger.transactions().get(3)), Map.of("promotion", key(m.promotion), "merchant",
				key(m.merchant), "discount_percentage", 20, "max_supply", 10L, "expiry_timestamp",
				now + 30 * Market.DAY, "price", 5_000_000L));
	}

	@Test
	void couponAndListingEvents() {
		Market m = new Market();
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		String coupon = m.mint(alice);
		String mint = m.mints.get(coupon);
		assertFields(m.event(), Map.of("coupon", key(coupon), "nft_mint", key(mint), "promotion", key(m.promotion),
				"recipient", key(alice), "merchant", key(m.merchant), "discount_percentage", 20));
		m.land(m.p.transferCoupon(alice, coupon, alice, P));
		assertFields(m.event(), Map.of("coupon", key(coupon), "nft_mint", key(mint), "from", key(alice), "to",
				key(alice), "timestamp", m.h.now()));
		m.land(m.p.listForSale(alice, coupon, 2_000_000, P));
		String listing = m.p.listingAddress(coupon);
		assertFields(m.event(), Map.of("listing", key(listing), "coupon", key(coupon), "nft_mint", key(mint),
				"seller", key(alice), "price", 2_000_000L));
		m.land(m.p.buyListing(bob, listing, P));
		assertFields(m.event(), Map.of("listing", key(listing), "coupon", key(coupon), "nft_mint", key(mint),
				"seller", key(alice), "buyer", key(bob), "price", 2_000_000L, "marketplace_fee", 50_000L));
		String second = m.mint(alice);
		m.land(m.p.listForSale(alice, second, 7, P));
		m.land(m.p.cancelListing(alice, m.p.listingAddress(second), P));
		assertFields(m.event(), Map.of("listing", key(m.p.listingAddress(second)), "coupon", key(second), "seller",
				key(alice), "timestamp", m.h.now()));
		m.land(m.p.redeemCoupon(alice, second, P));
		assertFields(m.event(), Map.of("coupon", key(second), "nft_mint", key(m.mints.get(second)), "user",
				key(alice), "merchant", key(m.merchant), "discount_percentage", 20, "redemption_code",
				"REDEEMED-" + m.account(second).get("id"), "timestamp", m.h.now()));
	}

	@Test
	void groupCouponsAreNamedWithTheDefaultMint() {
		Market m = new Market();
		String deal = m.groupDeal(2, 2, 1_000, List.of());
		String alice = m.h.wallet();
		m.land(m.p.joinGroupDeal(alice, deal, P));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
		m.land(m.p.finalizeGroupDeal(m.owner, deal, P));
		m.land(m.p.mintGroupCoupon(alice, deal, alice, 3, P));
		String coupon = m.p.groupCouponAddress(deal, alice);
		m.land(m.p.transferCoupon(alice, coupon, m.h.wallet(), P));
		assertThat(m.event().fields().get("nft_mint")).isEqualTo(key(DEFAULT_KEY));
	}

	@Test
	void communityEvents() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.land(m.p.ratePromotion(alice, m.promotion, 4, P));
		assertFields(m.event(), Map.of("user", key(alice), "promotion", key(m.promotion), "stars", 4, "is_update",
				false));
		m.land(m.p.ratePromotion(alice, m.promotion, 1, P));
		assertFields(m.event(), Map.of("user", key(alice), "promotion", key(m.promotion), "stars", 1, "is_update",
				true));
		m.land(m.p.addComment(alice, m.promotion, "Tasty", null, P));
		String comment = m.p.commentAddress(alice, m.promotion);
		assertFields(m.event(), Map.of("comment", key(comment), "user", key(alice), "promotion", key(m.promotion),
				"content", "Tasty", "is_reply", false));
		m.land(m.p.addComment(m.owner, m.promotion, "Thanks", comment, P));
		assertThat(m.event().fields()).containsEntry("is_reply", true);
		assertThat(m.account(m.p.commentAddress(m.owner, m.promotion))).containsEntry("is_merchant_reply", true);
		String bob = m.h.wallet();
		m.land(m.p.likeComment(bob, comment, P));
		assertFields(m.event(), Map.of("comment", key(comment), "user", key(bob)));
	}

	@Test
	void externalDealBadgeAndStakingEvents() {
		Market m = new Market();
		String payer = m.h.wallet();
		m.land(m.p.updateExternalDeal(payer, "lisbon", "Lisbon", 40_000, 30_000, "Travel", m.h.now() + 99, P));
		assertFields(m.event(), Map.of("deal", key(m.p.externalDealAddress("lisbon")), "source",
				new EnumValue("Skyscanner", Map.of()), "external_id", "lisbon", "price", 30_000L, "verified", true));
		String alice = m.h.wallet();
		String badgeMint = m.h.wallet();
		m.land(m.p.mintBadge(alice, m.h.wallet(), "TopReviewer", badgeMint, P));
		assertFields(m.event(), Map.of("user", key(alice), "badge_type", new EnumValue("TopReviewer", Map.of()),
				"mint", key(badgeMint)));
		String coupon = m.mint(alice);
		long stakedAt = m.h.now();
		m.land(m.p.stakeCoupon(alice, coupon, 3, P));
		// expected = 1 000 000 × 100 × 3 / 10 000
		assertFields(m.event(), Map.of("staker", key(alice), "amount", 1_000_000L, "duration", 259_200L,
				"expected_rewards", 30_000L, "timestamp", stakedAt));
		m.h.passTime(3 * Market.DAY + 60);
		m.land(m.p.claimRewards(alice, coupon, P));
		assertFields(m.event(), Map.of("staker", key(alice), "amount", 30_000L, "timestamp", m.h.now()));
	}

	@Test
	void ticketEvents() throws Exception {
		Market m = new Market();
		String alice = m.h.wallet();
		String coupon = m.mint(alice);
		long now = m.h.now();
		m.land(m.p.generateRedemptionTicket(alice, coupon, 258, 48.5, -2.25, P));
		String ticket = m.p.ticketAddress(coupon, alice, 258);
		MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
		sha256.update(Base58.decode(coupon));
		sha256.update(Base58.decode(alice));
		sha256.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(258).array());
		byte[] hash = sha256.digest();
		DecodedEvent generated = m.event();
		assertThat((byte[]) generated.fields().get("ticket_hash")).isEqualTo(hash);
		assertThat(generated.fields()).containsEntry("ticket", key(ticket)).containsEntry("coupon", key(coupon))
			.containsEntry("user", key(alice)).containsEntry("merchant", key(m.merchant))
			.containsEntry("expires_at", now + 300).containsEntry("nonce", 258L);
		assertThat(m.account(ticket).get("redemption_location"))
			.isEqualTo(Map.of("latitude", 48_500_000, "longitude", -2_250_000, "timestamp", now));
		m.land(m.p.verifyAndRedeemTicket(m.owner, ticket, P));
		List<DecodedEvent> events = m.events();
		assertFields(events.get(0), Map.of("ticket", key(ticket), "coupon", key(coupon), "nft_mint",
				key(m.mints.get(coupon)), "user", key(alice), "merchant", key(m.merchant), "redeemed_at", now));
		assertFields(events.get(1), Map.of("coupon", key(coupon), "nft_mint", key(m.mints.get(coupon)), "user",
				key(alice), "merchant", key(m.merchant), "discount_percentage", 20, "redemption_code", "TICKET-258",
				"timestamp", now));
		assertThat(m.h.exists(m.p.tokenAccountAddress(alice, m.mints.get(coupon)))).as("token account closed")
			.isFalse();
	}

	@Test
	void groupDealEvents() {
		Market m = new Market();
		String organizer = m.h.wallet();
		long now = m.h.now();
		m.land(m.p.createGroupDeal(organizer, m.promotion, 4, 2, 3, 1_000_000, List.of(new long[] { 0, 5 }), 7_200,
				P));
		String deal = m.p.groupDealAddress(m.promotion, 4);
		assertFields(m.event(), Map.of("group_deal", key(deal), "promotion", key(m.promotion), "merchant",
				key(m.merchant), "organizer", key(organizer), "target_participants", 2L, "base_price", 1_000_000L,
				"deadline", now + 7_200));
		String alice = m.h.wallet();
		m.land(m.p.joinGroupDeal(alice, deal, P));
		// a tier of min_participants 0 applies from 0: 1 000 000 − 50 000
		assertFields(m.event(), Map.of("group_deal", key(deal), "user", key(alice), "participants_count", 1L,
				"amount_escrowed", 950_000L, "current_discount", 5));
		m.land(m.p.joinGroupDeal(m.h.wallet(), deal, P));
		m.land(m.p.finalizeGroupDeal(m.h.wallet(), deal, P));
		// 1 900 000 escrowed, fee floor(1 900 000 × 250 / 10 000) = 47 500
		assertFields(m.event(), Map.of("group_deal", key(deal), "participants_count", 2L, "final_discount", 5,
				"total_revenue", 1_852_500L, "finalized_at", now));

		String missed = m.groupDeal(3, 3, 2_000, List.of());
		String bob = m.h.wallet();
		m.land(m.p.joinGroupDeal(bob, missed, P));
		m.h.passTime(3_601);
		m.land(m.p.refundGroupDeal(m.h.wallet(), missed, m.p.participantAddress(missed, bob), bob, P));
		assertFields(m.event(), Map.of("group_deal", key(missed), "user", key(bob), "refund_amount", 2_000L,
				"timestamp", m.h.now()));
	}

	@Test
	void auctionEvents() {
		Market m = new Market();
		String alice = m.h.wallet();
		String bob = m.h.wallet();
		String coupon = m.mint(alice);
		long start = m.h.now();
		String english = m.auction(alice, coupon, "English", 1_000, 900, true, 100);
		assertFields(m.event(), Map.of("auction", key(english), "coupon", key(coupon), "seller", key(alice),
				"auction_type", new EnumValue("English", Map.of()), "starting_price", 1_000L, "reserve_price", 900L,
				"end_time", start + 600));
		m.land(m.p.placeBid(bob, english, 1_100, P));
		assertFields(m.event(), Map.of("auction", key(english), "bidder", key(bob), "amount", 1_100L, "bid_count",
				1L, "new_end_time", start + 600));
		m.h.passTime(601);
		m.land(m.p.finalizeAuction(m.h.wallet(), english, P));
		assertFields(m.event(), Map.of("auction", key(english), "winner", key(bob), "final_price", 1_100L,
				"auction_type", new EnumValue("English", Map.of()), "finalized_at", m.h.now()));
		assertThat(Market.key(m.account(coupon).get("owner"))).isEqualTo(bob);

		long dutchStart = m.h.now();
		String dutch = m.auction(bob, coupon, "Dutch", 10_000, 4_000, false, 1);
		m.h.passTime(300);
		long at = m.h.now();
		m.land(m.p.buyDutchAuction(alice, dutch, P));
		// starting − floor((starting − reserve) × elapsed / 600)
		long price = 10_000 - 6_000 * (at - dutchStart) / 600;
		assertThat(price).isBetween(6_990L, 7_000L);
		assertFields(m.event(), Map.of("auction", key(dutch), "winner", key(alice), "final_price", price,
				"auction_type", new EnumValue("Dutch", Map.of()), "finalized_at", at));

		String doomed = m.auction(alice, coupon, "Dutch", 10_000, 4_000, false, 1);
		m.land(m.p.cancelAuction(alice, doomed, P));
		assertFields(m.event(), Map.of("auction", key(doomed), "reason", "Cancelled by seller", "timestamp",
				m.h.now()));
	}

	private static PublicKey key(String base58) {
		return PublicKey.fromBase58(base58);
	}

	/** The event has exactly these fields; integers compare by value whatever their boxed width. */
	private static void assertFields(DecodedEvent event, Map<String, Object> expected) {
		assertThat(event.fields().keySet()).as(event.name()).isEqualTo(expected.keySet());
		expected.forEach((name, value) -> {
			Object actual = event.fields().get(name);
			if (value instanceof Number number) {
				assertThat(((Number) actual).longValue()).as(event.name() + "." + name).isEqualTo(number.longValue());
			}
			else {
				assertThat(actual).as(event.name() + "." + name).isEqualTo(value);
			}
		});
	}
}
