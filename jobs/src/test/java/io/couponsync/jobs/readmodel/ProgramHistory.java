package io.couponsync.jobs.readmodel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDerivedAddress;
import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingSource;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.chain.value.EnumValue;

/**
 * A history of the program written by hand, instruction by instruction, with the event values
 * {@code program-semantics.md} says each instruction emits — no simulator involved. Every call is one successful
 * transaction in its own slot, logged as the deployed program logs it ({@code emit!}: {@code Program data:} lines).
 * Account addresses come from the PDA seeds the document lists (§14), derived here independently of the
 * projections' resolver.
 */
public final class ProgramHistory {

	public static final String PROGRAM_ID = "9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3";

	/** The clock of the first transaction; each later one is 10 seconds on. */
	static final long START = 1_800_000_000L;

	private final BorshEncoder encoder;

	private final List<StagedTransaction> transactions = new ArrayList<>();

	private long slot = 1_000;

	/** Seconds the clock was moved on, beyond 10 per transaction. */
	private long clockJumps;

	public ProgramHistory(Idl idl) {
		this.encoder = new BorshEncoder(idl);
	}

	public List<StagedTransaction> transactions() {
		return transactions;
	}

	/** The clock of the next transaction. */
	public long now() {
		return START + 10 * transactions.size() + clockJumps;
	}

	/** Lets time pass (auctions, deadlines, stakes and update intervals need hours or days). */
	public void advanceClock(long seconds) {
		clockJumps += seconds;
	}

	/** §0: Dutch price(t) for an auction that started at {@code start} and ends at {@code end}. */
	public static long dutchPrice(long startingPrice, long reservePrice, long start, long end, long t) {
		if (t <= start) {
			return startingPrice;
		}
		if (t >= end) {
			return reservePrice;
		}
		return startingPrice - (startingPrice - reservePrice) * (t - start) / (end - start);
	}

	/** §0: the ticket hash, SHA-256 of coupon key ‖ user key ‖ nonce (u64 LE). */
	public static byte[] ticketHash(String coupon, String user, long nonce) {
		return sha256(concat(concat(pubkey(coupon), pubkey(user)), u64(nonce)));
	}

	// ---- keys ----

	/** A wallet or mint address made from a name. */
	public static String key(String name) {
		return Base58.encode(sha256(name.getBytes(StandardCharsets.UTF_8)));
	}

	public static String pda(Object... seeds) {
		List<byte[]> parts = new ArrayList<>();
		for (Object seed : seeds) {
			parts.add(seed instanceof byte[] bytes ? bytes : seed.toString().getBytes(StandardCharsets.UTF_8));
		}
		return ProgramDerivedAddress.find(parts, Base58.decode(PROGRAM_ID)).base58();
	}

	static byte[] pubkey(String base58) {
		return Base58.decode(base58);
	}

	static byte[] u64(long value) {
		return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
	}

	static byte[] u32(long value) {
		return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array();
	}

	public static String marketplace() {
		return pda("marketplace");
	}

	public static String merchant(String authority) {
		return pda("merchant", pubkey(authority));
	}

	public static String promotion(String merchant, long totalCouponsCreated) {
		return pda("promotion", pubkey(merchant), u64(totalCouponsCreated));
	}

	public static String coupon(String promotion, long currentSupply) {
		return pda("coupon", pubkey(promotion), u32(currentSupply));
	}

	public static String listing(String coupon) {
		return pda("listing", pubkey(coupon));
	}

	public static String userStats(String user) {
		return pda("user_stats", pubkey(user));
	}

	public static String rating(String user, String promotion) {
		return pda("rating", pubkey(user), pubkey(promotion));
	}

	public static String comment(String user, String promotion) {
		return pda("comment", pubkey(user), pubkey(promotion));
	}

	public static String commentLike(String user, String comment) {
		return pda("comment_like", pubkey(user), pubkey(comment));
	}

	public static String badge(String user, int badgeType) {
		return pda("badge", pubkey(user), new byte[] { (byte) badgeType });
	}

	/** A mint's Metaplex metadata account: ["metadata", the metadata program, mint] under the metadata program. */
	public static String metaplexMetadata(String mint) {
		String metadataProgram = "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s";
		return ProgramDerivedAddress.find(metadataProgram, "metadata".getBytes(StandardCharsets.UTF_8),
				Base58.decode(metadataProgram), Base58.decode(mint));
	}

	public static String externalDeal(String externalId) {
		return pda("external_deal", externalId);
	}

	public static String stakingPool() {
		return pda("staking_pool");
	}

	public static String ticket(String coupon, String user, long nonce) {
		return pda("ticket", pubkey(coupon), pubkey(user), u64(nonce));
	}

	public static String groupDeal(String promotion, long dealId) {
		return pda("group_deal", pubkey(promotion), u64(dealId));
	}

	public static String groupEscrow(String groupDeal) {
		return pda("group_escrow", pubkey(groupDeal));
	}

	public static String participant(String groupDeal, String user) {
		return pda("participant", pubkey(groupDeal), pubkey(user));
	}

	public static String auction(String coupon, long auctionId) {
		return pda("auction", pubkey(coupon), u64(auctionId));
	}

	public static String bid(String auction, String bidder, long bidCountBefore) {
		return pda("bid", pubkey(auction), pubkey(bidder), u32(bidCountBefore));
	}

	static EnumValue variant(String name) {
		return new EnumValue(name, Map.of());
	}

	// ---- instructions (§1–§10), each one transaction with the events it emits ----

	public void initialize(String authority) {
		transaction("initialize", event("MarketplaceInitialized", "marketplace", marketplace(), "authority", authority,
				"fee_basis_points", 250, "timestamp", now()));
	}

	public String registerMerchant(String authority, String name) {
		String merchant = merchant(authority);
		transaction("register_merchant", event("MerchantRegistered", "merchant", merchant, "authority", authority,
				"name", name, "category", "food", "timestamp", now()));
		return merchant;
	}

	/** @param totalCouponsCreated the merchant's counter now: the promotion's seed */
	public String createPromotion(String merchant, long totalCouponsCreated, int discount, long maxSupply, long expiry,
			long price) {
		String promotion = promotion(merchant, totalCouponsCreated);
		transaction("create_promotion", event("PromotionCreated", "promotion", promotion, "merchant", merchant,
				"discount_percentage", discount, "max_supply", maxSupply, "expiry_timestamp", expiry, "price", price));
		return promotion;
	}

	/** @param currentSupply the promotion's supply before this mint: the coupon's seed */
	public String mintCoupon(String promotion, long currentSupply, String merchant, String recipient, int discount) {
		String coupon = coupon(promotion, currentSupply);
		transaction("mint_coupon", event("CouponMinted", "coupon", coupon, "nft_mint", mintOf(coupon), "promotion",
				promotion, "recipient", recipient, "merchant", merchant, "discount_percentage", discount));
		return coupon;
	}

	public static String mintOf(String coupon) {
		return key("mint of " + coupon);
	}

	public void transferCoupon(String coupon, String nftMint, String from, String to) {
		transaction("transfer_coupon", event("CouponTransferred", "coupon", coupon, "nft_mint", nftMint, "from", from,
				"to", to, "timestamp", now()));
	}

	public void redeemCoupon(String coupon, String user, String merchant, int discount, long couponId) {
		redeemCoupon(coupon, mintOf(coupon), user, merchant, discount, couponId);
	}

	/** §2.4: the program burns a token of whatever mint is passed, and the event reports that mint. */
	public void redeemCoupon(String coupon, String mint, String user, String merchant, int discount, long couponId) {
		transaction("redeem_coupon", event("CouponRedeemed", "coupon", coupon, "nft_mint", mint, "user", user,
				"merchant", merchant, "discount_percentage", discount, "redemption_code", "REDEEMED-" + couponId,
				"timestamp", now()));
	}

	public String listForSale(String coupon, String seller, long price) {
		String listing = listing(coupon);
		transaction("list_for_sale", event("CouponListed", "listing", listing, "coupon", coupon, "nft_mint",
				mintOf(coupon), "seller", seller, "price", price));
		return listing;
	}

	public void buyListing(String listing, String coupon, String seller, String buyer, long price) {
		transaction("buy_listing", event("CouponSold", "listing", listing, "coupon", coupon, "nft_mint", mintOf(coupon),
				"seller", seller, "buyer", buyer, "price", price, "marketplace_fee", price * 250 / 10_000));
	}

	public void cancelListing(String listing, String coupon, String seller) {
		transaction("cancel_listing", event("ListingCancelled", "listing", listing, "coupon", coupon, "seller", seller,
				"timestamp", now()));
	}

	public void ratePromotion(String user, String promotion, int stars, boolean isUpdate) {
		transaction("rate_promotion", event("PromotionRated", "user", user, "promotion", promotion, "stars", stars,
				"is_update", isUpdate));
	}

	public String addComment(String user, String promotion, String content, boolean isReply) {
		String comment = comment(user, promotion);
		transaction("add_comment", event("CommentAdded", "comment", comment, "user", user, "promotion", promotion,
				"content", content, "is_reply", isReply));
		return comment;
	}

	public void likeComment(String user, String comment) {
		transaction("like_comment", event("CommentLiked", "comment", comment, "user", user));
	}

	public String updateExternalDeal(String externalId, long discountedPrice) {
		String deal = externalDeal(externalId);
		transaction("update_external_deal", event("ExternalDealUpdated", "deal", deal, "source", variant("Skyscanner"),
				"external_id", externalId, "price", discountedPrice, "verified", true));
		return deal;
	}

	/** mint_badge: the same event as auto_award_badge's (§6); only the instruction the logs name differs. */
	public String mintBadge(String user, String badgeType, int badgeByte, String mint) {
		transaction("mint_badge", event("BadgeEarned", "user", user, "badge_type", variant(badgeType), "mint", mint));
		return badge(user, badgeByte);
	}

	/** auto_award_badge (§6.2). */
	public String autoAwardBadge(String user, String badgeType, int badgeByte, String mint) {
		transaction("auto_award_badge", event("BadgeEarned", "user", user, "badge_type", variant(badgeType), "mint",
				mint));
		return badge(user, badgeByte);
	}

	public void stakeCoupon(String staker, long durationDays, long rewardRatePerDay) {
		transaction("stake_coupon", event("RewardsStaked", "staker", staker, "amount", 1_000_000L, "duration",
				durationDays * 86_400, "expected_rewards", 1_000_000L * rewardRatePerDay * durationDays / 10_000,
				"timestamp", now()));
	}

	public void claimRewards(String staker, long rewards) {
		transaction("claim_rewards", event("RewardsClaimed", "staker", staker, "amount", rewards, "timestamp", now()));
	}

	public String generateTicket(String coupon, String user, String merchant, long nonce) {
		String ticket = ticket(coupon, user, nonce);
		transaction("generate_redemption_ticket", event("TicketGenerated", "ticket", ticket, "coupon", coupon, "user",
				user, "merchant", merchant, "ticket_hash", ticketHash(coupon, user, nonce), "expires_at", now() + 300,
				"nonce", nonce));
		return ticket;
	}

	/** §8.2: one redemption, two events — TicketRedeemed, then CouponRedeemed with code TICKET-nonce. */
	public void verifyAndRedeemTicket(String ticket, String coupon, String user, String merchant, int discount, long nonce) {
		transaction("verify_and_redeem_ticket",
				event("TicketRedeemed", "ticket", ticket, "coupon", coupon, "nft_mint", mintOf(coupon), "user", user,
						"merchant", merchant, "redeemed_at", now()),
				event("CouponRedeemed", "coupon", coupon, "nft_mint", mintOf(coupon), "user", user, "merchant", merchant,
						"discount_percentage", discount, "redemption_code", "TICKET-" + nonce, "timestamp", now()));
	}

	/** verify_and_redeem_ticket whose logs were cut after its first event (§8.2 emits two). */
	public void verifyAndRedeemTicketTruncated(String ticket, String coupon, String user, String merchant) {
		transaction("verify_and_redeem_ticket",
				event("TicketRedeemed", "ticket", ticket, "coupon", coupon, "nft_mint", mintOf(coupon), "user", user,
						"merchant", merchant, "redeemed_at", now()),
				"Log truncated");
	}

	public String createGroupDeal(String promotion, String merchant, String organizer, long dealId, long target,
			long basePrice) {
		String deal = groupDeal(promotion, dealId);
		transaction("create_group_deal", event("GroupDealCreated", "group_deal", deal, "promotion", promotion,
				"merchant", merchant, "organizer", organizer, "target_participants", target, "base_price", basePrice,
				"deadline", now() + 86_400));
		return deal;
	}

	public void joinGroupDeal(String deal, String user, long participantsAfter, long amountEscrowed, int discountAfter) {
		transaction("join_group_deal", event("GroupDealJoined", "group_deal", deal, "user", user, "participants_count",
				participantsAfter, "amount_escrowed", amountEscrowed, "current_discount", discountAfter));
	}

	public void finalizeGroupDeal(String deal, long participants, int finalDiscount, long totalRevenue) {
		transaction("finalize_group_deal", event("GroupDealFinalized", "group_deal", deal, "participants_count",
				participants, "final_discount", finalDiscount, "total_revenue", totalRevenue, "finalized_at", now()));
	}

	public void refundGroupDeal(String deal, String user, long refund) {
		transaction("refund_group_deal", event("GroupDealRefunded", "group_deal", deal, "user", user, "refund_amount",
				refund, "timestamp", now()));
	}

	public String createAuction(String coupon, String seller, long auctionId, String type, long startingPrice,
			long reservePrice, long endTime) {
		String auction = auction(coupon, auctionId);
		transaction("create_auction", event("AuctionCreated", "auction", auction, "coupon", coupon, "seller", seller,
				"auction_type", variant(type), "starting_price", startingPrice, "reserve_price", reservePrice,
				"end_time", endTime));
		return auction;
	}

	public void placeBid(String auction, String bidder, long amount, long bidCountAfter, long newEndTime) {
		transaction("place_bid", event("BidPlaced", "auction", auction, "bidder", bidder, "amount", amount, "bid_count",
				bidCountAfter, "new_end_time", newEndTime));
	}

	/** buy_dutch_auction, or finalize_auction's sale branch. */
	public void auctionFinalized(String auction, String winner, long finalPrice, String type) {
		transaction("Dutch".equals(type) ? "buy_dutch_auction" : "finalize_auction", event("AuctionFinalized", "auction", auction, "winner", winner, "final_price",
				finalPrice, "auction_type", variant(type), "finalized_at", now()));
	}

	public void auctionCancelled(String auction, String reason) {
		transaction("cancel_auction", event("AuctionCancelled", "auction", auction, "reason", reason, "timestamp",
				now()));
	}

	/** An event the IDL declares and the program never emits (§13, fact 16). */
	public void merchantRated(String merchant, String rater) {
		transaction("rate_merchant", event("MerchantRated", "merchant", merchant, "rater", rater, "rating", 5,
				"review", "fine", "timestamp", now()));
	}

	// ---- plumbing ----

	private String event(String name, Object... fieldsAndValues) {
		Map<String, Object> fields = new LinkedHashMap<>();
		for (int i = 0; i < fieldsAndValues.length; i += 2) {
			fields.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
		}
		return "Program data: " + Base64.getEncoder().encodeToString(encoder.encodeEvent(name, fields));
	}

	private void transaction(String instruction, String... eventLines) {
		List<String> logs = new ArrayList<>();
		logs.add("Program " + PROGRAM_ID + " invoke [1]");
		// why: Anchor's dispatcher logs the handler's name in UpperCamelCase
		logs.add("Program log: Instruction: " + upperCamelCase(instruction));
		logs.addAll(List.of(eventLines));
		logs.add("Program " + PROGRAM_ID + " consumed 20000 of 200000 compute units");
		logs.add("Program " + PROGRAM_ID + " success");
		String signature = Base58.encode(concat(sha256(("tx " + transactions.size()).getBytes(StandardCharsets.UTF_8)),
				sha256(instruction.getBytes(StandardCharsets.UTF_8))));
		transactions.add(new StagedTransaction(signature, slot++, null, logs, Instant.now(), StagingSource.BACKFILL,
				StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, now(), null, 0));
	}

	private static String upperCamelCase(String snakeCase) {
		StringBuilder name = new StringBuilder();
		for (String word : snakeCase.split("_")) {
			name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
		}
		return name.toString();
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] both = new byte[a.length + b.length];
		System.arraycopy(a, 0, both, 0, a.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	private static byte[] sha256(byte[] input) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(input);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
