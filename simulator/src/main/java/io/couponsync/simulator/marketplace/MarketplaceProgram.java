package io.couponsync.simulator.marketplace;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDerivedAddress;
import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlField;
import io.couponsync.chain.idl.IdlInstruction;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * The coupon marketplace program, executed off-chain: each instruction checks its preconditions, changes its
 * accounts (at the addresses the IDL's PDA seeds give), emits its event, and lands as one transaction on the
 * ledger. Accounts and events are Borsh-encoded from the IDL, so the ledger's accounts are the ground truth the
 * events describe. A violated precondition is an {@link InstructionRejected}, and nothing lands.
 */
public final class MarketplaceProgram {

	private static final long COUPON_LIFETIME = 90L * 24 * 3600;

	private final Idl idl;

	private final String programId;

	private final byte[] programIdBytes;

	private final Ledger ledger;

	private final BorshEncoder encoder;

	private final ProgramDecoder decoder;

	private final String eventAuthority;

	private final Map<String, Integer> space = new HashMap<>();

	private final Map<String, String> pdaCache = new HashMap<>();

	public MarketplaceProgram(Idl idl, String programId, Ledger ledger) {
		this.idl = idl;
		this.programId = programId;
		this.programIdBytes = Base58.decode(programId);
		this.ledger = ledger;
		this.encoder = new BorshEncoder(idl);
		this.decoder = ProgramDecoder.compile(idl);
		this.eventAuthority = pda(bytes("__event_authority"));
		idl.accounts().forEach(account -> space.put(account.name(), 8 + maxSize(account.type(), 0)));
	}

	/** A precondition of the instruction does not hold; nothing was submitted. */
	public static final class InstructionRejected extends RuntimeException {

		InstructionRejected(String message) {
			super(message, null, false, false);
		}
	}

	public Ledger ledger() {
		return ledger;
	}

	public String programId() {
		return programId;
	}

	public Idl idl() {
		return idl;
	}

	BorshEncoder encoder() {
		return encoder;
	}

	ProgramDecoder decoder() {
		return decoder;
	}

	String eventAuthority() {
		return eventAuthority;
	}

	/** Anchor allocates an account's maximum size up front; data is written at the front, zeros after it. */
	byte[] allocate(String type, byte[] encoded, AccountVersion existing) {
		int size = Math.max(encoded.length, existing == null ? space.get(type) : existing.data().length);
		return Arrays.copyOf(encoded, size);
	}

	// ---- addresses, from the PDA seeds the IDL lists ----

	public String marketplaceAddress() {
		return pda(bytes("marketplace"));
	}

	public String stakingPoolAddress() {
		return pda(bytes("staking_pool"));
	}

	public String merchantAddress(String authority) {
		return pda(bytes("merchant"), seed(authority));
	}

	public String promotionAddress(String merchant, long index) {
		return pda(bytes("promotion"), seed(merchant), u64(index));
	}

	public String couponAddress(String promotion, long supplyIndex) {
		return pda(bytes("coupon"), seed(promotion), u32(supplyIndex));
	}

	public String groupCouponAddress(String groupDeal, String user) {
		return pda(bytes("group_coupon"), seed(groupDeal), seed(user));
	}

	public String listingAddress(String coupon) {
		return pda(bytes("listing"), seed(coupon));
	}

	public String userStatsAddress(String user) {
		return pda(bytes("user_stats"), seed(user));
	}

	public String ratingAddress(String user, String promotion) {
		return pda(bytes("rating"), seed(user), seed(promotion));
	}

	public String commentAddress(String user, String promotion) {
		return pda(bytes("comment"), seed(user), seed(promotion));
	}

	public String commentLikeAddress(String user, String comment) {
		return pda(bytes("comment_like"), seed(user), seed(comment));
	}

	public String groupDealAddress(String promotion, long dealId) {
		return pda(bytes("group_deal"), seed(promotion), u64(dealId));
	}

	public String groupEscrowAddress(String groupDeal) {
		return pda(bytes("group_escrow"), seed(groupDeal));
	}

	public String participantAddress(String groupDeal, String user) {
		return pda(bytes("participant"), seed(groupDeal), seed(user));
	}

	public String auctionAddress(String coupon, long auctionId) {
		return pda(bytes("auction"), seed(coupon), u64(auctionId));
	}

	public String bidAddress(String auction, String bidder, long bidIndex) {
		return pda(bytes("bid"), seed(auction), seed(bidder), u32(bidIndex));
	}

	public String auctionEscrowAddress(String auction) {
		return pda(bytes("auction_escrow"), seed(auction));
	}

	public String ticketAddress(String coupon, String user, long nonce) {
		return pda(bytes("ticket"), seed(coupon), seed(user), u64(nonce));
	}

	public String stakeAddress(String coupon, String user) {
		return pda(bytes("stake"), seed(coupon), seed(user));
	}

	public String externalDealAddress(String externalId) {
		return pda(bytes("external_deal"), bytes(externalId));
	}

	private String pda(byte[]... seeds) {
		StringBuilder cacheKey = new StringBuilder();
		for (byte[] seed : seeds) {
			cacheKey.append(Base58.encode(seed)).append('/');
		}
		return pdaCache.computeIfAbsent(cacheKey.toString(),
				key -> ProgramDerivedAddress.find(List.of(seeds), programIdBytes).base58());
	}

	// ---- instructions ----

	public LedgerTransaction initialize(String authority, int feeBasisPoints, Shape shape) {
		Invocation in = begin("initialize", authority, Map.of());
		String marketplace = marketplaceAddress();
		require(!in.exists(marketplace), "the marketplace is already initialized");
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(marketplace, "Marketplace", fields("authority", authority, "total_coupons", 0L, "total_merchants", 0L,
				"fee_basis_points", feeBasisPoints));
		in.emit("MarketplaceInitialized", fields("marketplace", marketplace, "authority", authority,
				"fee_basis_points", feeBasisPoints, "timestamp", now()));
		return submit(in, shape, 18_000);
	}

	public LedgerTransaction initializeStaking(String authority, long rewardRatePerDay, long minStakeDuration,
			Shape shape) {
		Invocation in = begin("initialize_staking", authority,
				Map.of("reward_rate_per_day", rewardRatePerDay, "min_stake_duration", minStakeDuration));
		String pool = stakingPoolAddress();
		require(!in.exists(pool), "staking is already initialized");
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(pool, "StakingPool", fields("authority", authority, "total_staked", 0L, "total_rewards_distributed", 0L,
				"reward_rate_per_day", rewardRatePerDay, "min_stake_duration", minStakeDuration, "is_active", true,
				"created_at", now()));
		return submit(in, shape, 12_000);
	}

	public LedgerTransaction registerMerchant(String authority, String name, String category, Double latitude,
			Double longitude, Shape shape) {
		Invocation in = begin("register_merchant", authority,
				args("name", name, "category", category, "latitude", latitude, "longitude", longitude));
		String merchant = merchantAddress(authority);
		require(!in.exists(merchant), "merchant already registered");
		Map<String, Object> marketplace = load(in, marketplaceAddress(), "marketplace");
		in.invoke(Invocation.SYSTEM_PROGRAM);
		boolean physical = latitude != null && longitude != null;
		in.save(merchant, "Merchant", fields("authority", authority, "name", name, "category", category,
				"total_coupons_created", 0L, "total_coupons_redeemed", 0L, "is_active", true, "created_at", now(),
				"location", location(latitude, longitude), "has_physical_location", physical));
		marketplace.put("total_merchants", number(marketplace.get("total_merchants")) + 1);
		in.save(marketplaceAddress(), "Marketplace", marketplace);
		in.emit("MerchantRegistered", fields("merchant", merchant, "authority", authority, "name", name, "category",
				category, "timestamp", now()));
		return submit(in, shape, 24_000);
	}

	public LedgerTransaction createPromotion(String authority, int discountPercentage, long maxSupply, long expiry,
			String category, String description, long price, Shape shape) {
		Invocation in = begin("create_promotion", authority, args("discount_percentage", discountPercentage,
				"max_supply", maxSupply, "expiry_timestamp", expiry, "category", category, "description", description,
				"price", price));
		String merchantAddress = merchantAddress(authority);
		Map<String, Object> merchant = load(in, merchantAddress, "merchant");
		require(Boolean.TRUE.equals(merchant.get("is_active")), "merchant is not active");
		require(discountPercentage >= 1 && discountPercentage <= 100, "discount must be 1-100%");
		long index = number(merchant.get("total_coupons_created"));
		String promotion = promotionAddress(merchantAddress, index);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(promotion, "Promotion", fields("merchant", merchantAddress, "discount_percentage", discountPercentage,
				"max_supply", maxSupply, "current_supply", 0L, "expiry_timestamp", expiry, "category", category,
				"description", description, "price", price, "is_active", true, "created_at", now(), "location",
				merchant.get("location"), "geo_cell_id", 0L, "radius_meters", 0L, "is_location_based", false));
		merchant.put("total_coupons_created", index + 1);
		in.save(merchantAddress, "Merchant", merchant);
		in.emit("PromotionCreated", fields("promotion", promotion, "merchant", merchantAddress, "discount_percentage",
				discountPercentage, "max_supply", maxSupply, "expiry_timestamp", expiry, "price", price));
		return submit(in, shape, 31_000);
	}

	public LedgerTransaction mintCoupon(String merchantAuthority, String promotion, String recipient, long couponId,
			String nftMint, Shape shape) {
		Invocation in = begin("mint_coupon", merchantAuthority, args("coupon_id", couponId));
		Map<String, Object> promo = load(in, promotion, "promotion");
		String merchantAddress = key(promo.get("merchant"));
		Map<String, Object> merchant = load(in, merchantAddress, "merchant");
		require(key(merchant.get("authority")).equals(merchantAuthority), "only the merchant mints");
		long supply = number(promo.get("current_supply"));
		require(supply < number(promo.get("max_supply")), "promotion sold out");
		require(Boolean.TRUE.equals(promo.get("is_active")), "promotion is not active");
		String coupon = couponAddress(promotion, supply);
		Map<String, Object> marketplace = load(in, marketplaceAddress(), "marketplace");
		in.touch(recipient, false);
		in.touch(nftMint, true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: InitializeMint2");
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: MintTo");
		int discount = (int) number(promo.get("discount_percentage"));
		in.save(coupon, "Coupon", fields("id", couponId, "promotion", promotion, "owner", recipient, "merchant",
				merchantAddress, "discount_percentage", discount, "expiry_timestamp", promo.get("expiry_timestamp"),
				"is_redeemed", false, "redeemed_at", 0L, "created_at", now(), "metadata_uri",
				"https://coupons.example/" + couponId + ".json", "mint", nftMint));
		promo.put("current_supply", supply + 1);
		in.save(promotion, "Promotion", promo);
		merchant.put("total_coupons_created", number(merchant.get("total_coupons_created")) + 1);
		in.save(merchantAddress, "Merchant", merchant);
		marketplace.put("total_coupons", number(marketplace.get("total_coupons")) + 1);
		in.save(marketplaceAddress(), "Marketplace", marketplace);
		touchStats(in, recipient, stats -> {
		});
		in.emit("CouponMinted", fields("coupon", coupon, "nft_mint", nftMint, "promotion", promotion, "recipient",
				recipient, "merchant", merchantAddress, "discount_percentage", discount));
		return submit(in, shape, 68_000);
	}

	public LedgerTransaction transferCoupon(String from, String coupon, String to, Shape shape) {
		Invocation in = begin("transfer_coupon", from, Map.of());
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(from), "only the owner transfers");
		require(!Boolean.TRUE.equals(state.get("is_redeemed")), "coupon is redeemed");
		require(!from.equals(to), "transfer to self");
		in.touch(to, false);
		state.put("owner", to);
		in.save(coupon, "Coupon", state);
		in.emit("CouponTransferred", fields("coupon", coupon, "nft_mint", mint(state), "from", from, "to", to,
				"timestamp", now()));
		return submit(in, shape, 9_000);
	}

	public LedgerTransaction listForSale(String seller, String coupon, long price, Shape shape) {
		Invocation in = begin("list_for_sale", seller, args("price", price));
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(seller), "only the owner lists");
		require(!Boolean.TRUE.equals(state.get("is_redeemed")), "coupon is redeemed");
		String listing = listingAddress(coupon);
		Map<String, Object> existing = in.load(listing);
		require(existing == null || !Boolean.TRUE.equals(existing.get("is_active")), "already listed");
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(listing, "Listing", fields("coupon", coupon, "seller", seller, "price", price, "is_active", true,
				"created_at", now()));
		touchStats(in, seller, stats -> increment(stats, "total_listings"));
		in.emit("CouponListed", fields("listing", listing, "coupon", coupon, "nft_mint", mint(state), "seller", seller,
				"price", price));
		return submit(in, shape, 22_000);
	}

	public LedgerTransaction buyListing(String buyer, String listing, Shape shape) {
		Invocation in = begin("buy_listing", buyer, Map.of());
		Map<String, Object> listed = load(in, listing, "listing");
		require(Boolean.TRUE.equals(listed.get("is_active")), "listing is not active");
		String coupon = key(listed.get("coupon"));
		String seller = key(listed.get("seller"));
		require(!buyer.equals(seller), "seller cannot buy");
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(seller), "seller no longer owns the coupon");
		Map<String, Object> marketplace = load(in, marketplaceAddress(), "marketplace");
		long price = number(listed.get("price"));
		long fee = price * number(marketplace.get("fee_basis_points")) / 10_000;
		in.touch(seller, true);
		in.touch(key(marketplace.get("authority")), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		listed.put("is_active", false);
		in.save(listing, "Listing", listed);
		state.put("owner", buyer);
		in.save(coupon, "Coupon", state);
		in.emit("CouponSold", fields("listing", listing, "coupon", coupon, "nft_mint", mint(state), "seller", seller,
				"buyer", buyer, "price", price, "marketplace_fee", fee));
		return submit(in, shape, 35_000);
	}

	public LedgerTransaction cancelListing(String seller, String listing, Shape shape) {
		Invocation in = begin("cancel_listing", seller, Map.of());
		Map<String, Object> listed = load(in, listing, "listing");
		require(Boolean.TRUE.equals(listed.get("is_active")), "listing is not active");
		require(key(listed.get("seller")).equals(seller), "only the seller cancels");
		listed.put("is_active", false);
		in.save(listing, "Listing", listed);
		in.emit("ListingCancelled", fields("listing", listing, "coupon", listed.get("coupon"), "seller", seller,
				"timestamp", now()));
		return submit(in, shape, 8_000);
	}

	public LedgerTransaction redeemCoupon(String user, String coupon, Shape shape) {
		Invocation in = begin("redeem_coupon", user, Map.of());
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(user), "only the owner redeems");
		require(!Boolean.TRUE.equals(state.get("is_redeemed")), "already redeemed");
		String merchantAddress = key(state.get("merchant"));
		Map<String, Object> merchant = load(in, merchantAddress, "merchant");
		in.touch(key(merchant.get("authority")), false);
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: Burn");
		state.put("is_redeemed", true);
		state.put("redeemed_at", now());
		in.save(coupon, "Coupon", state);
		merchant.put("total_coupons_redeemed", number(merchant.get("total_coupons_redeemed")) + 1);
		in.save(merchantAddress, "Merchant", merchant);
		touchStats(in, user, stats -> increment(stats, "total_redemptions"));
		in.emit("CouponRedeemed", fields("coupon", coupon, "nft_mint", mint(state), "user", user, "merchant",
				merchantAddress, "discount_percentage", state.get("discount_percentage"), "redemption_code",
				"RC-" + coupon.substring(0, 8), "timestamp", now()));
		return submit(in, shape, 27_000);
	}

	public LedgerTransaction ratePromotion(String user, String promotion, int stars, Shape shape) {
		Invocation in = begin("rate_promotion", user, args("stars", stars));
		require(stars >= 1 && stars <= 5, "stars must be 1-5");
		Map<String, Object> promo = load(in, promotion, "promotion");
		String rating = ratingAddress(user, promotion);
		Map<String, Object> existing = in.load(rating);
		boolean update = existing != null;
		if (update) {
			existing.put("stars", stars);
			existing.put("updated_at", now());
			in.save(rating, "Rating", existing);
		}
		else {
			in.invoke(Invocation.SYSTEM_PROGRAM);
			in.save(rating, "Rating", fields("user", user, "promotion", promotion, "merchant", promo.get("merchant"),
					"stars", stars, "created_at", now(), "updated_at", now()));
		}
		touchStats(in, user, stats -> {
			if (!update) {
				increment(stats, "total_ratings_given");
			}
		});
		in.emit("PromotionRated", fields("user", user, "promotion", promotion, "stars", stars, "is_update", update));
		if (!update) {
			// why: the IDL declares MerchantRated but no instruction that emits it; the simulator emits it with a
			// user's first rating of a merchant's promotion, so that indexers meet every event of the program
			in.emit("MerchantRated", fields("merchant", promo.get("merchant"), "rater", user, "rating", stars,
					"review", stars >= 4 ? "Would come again" : "Could be better", "timestamp", now()));
		}
		return submit(in, shape, 19_000);
	}

	public LedgerTransaction addComment(String user, String promotion, String content, String parentComment,
			Shape shape) {
		Invocation in = begin("add_comment", user, args("content", content, "parent_comment", parentComment));
		Map<String, Object> promo = load(in, promotion, "promotion");
		String comment = commentAddress(user, promotion);
		require(!in.exists(comment), "one comment per user and promotion");
		if (parentComment != null) {
			require(in.exists(parentComment), "parent comment does not exist");
		}
		Map<String, Object> merchant = load(in, key(promo.get("merchant")), "merchant");
		boolean merchantReply = key(merchant.get("authority")).equals(user);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(comment, "Comment", fields("user", user, "promotion", promotion, "content", content, "created_at",
				now(), "likes", 0L, "is_merchant_reply", merchantReply, "parent_comment", parentComment));
		touchStats(in, user, stats -> increment(stats, "total_comments"));
		in.emit("CommentAdded", fields("comment", comment, "user", user, "promotion", promotion, "content", content,
				"is_reply", parentComment != null));
		return submit(in, shape, 21_000);
	}

	public LedgerTransaction likeComment(String user, String comment, Shape shape) {
		Invocation in = begin("like_comment", user, Map.of());
		Map<String, Object> state = load(in, comment, "comment");
		String like = commentLikeAddress(user, comment);
		require(!in.exists(like), "already liked");
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(like, "CommentLike", fields("user", user, "comment", comment, "created_at", now()));
		state.put("likes", number(state.get("likes")) + 1);
		in.save(comment, "Comment", state);
		in.emit("CommentLiked", fields("comment", comment, "user", user));
		return submit(in, shape, 14_000);
	}

	public LedgerTransaction createGroupDeal(String organizer, String promotion, long dealId, long target,
			long maxParticipants, long basePrice, List<long[]> tiers, long durationSeconds, Shape shape) {
		List<Map<String, Object>> tierValues = new ArrayList<>();
		for (long[] tier : tiers) {
			tierValues.add(fields("min_participants", tier[0], "discount_percentage", (int) tier[1]));
		}
		Invocation in = begin("create_group_deal", organizer, args("deal_id", dealId, "target_participants", target,
				"max_participants", maxParticipants, "base_price", basePrice, "discount_tiers", tierValues,
				"duration_seconds", durationSeconds));
		require(tiers.size() <= 5, "at most 5 discount tiers");
		Map<String, Object> promo = load(in, promotion, "promotion");
		String groupDeal = groupDealAddress(promotion, dealId);
		require(!in.exists(groupDeal), "group deal id in use");
		List<Map<String, Object>> padded = new ArrayList<>(tierValues);
		while (padded.size() < 5) {
			padded.add(fields("min_participants", 0L, "discount_percentage", 0));
		}
		in.invoke(Invocation.SYSTEM_PROGRAM);
		long deadline = now() + durationSeconds;
		in.save(groupDeal, "GroupDeal", fields("promotion", promotion, "merchant", promo.get("merchant"), "organizer",
				organizer, "target_participants", target, "current_participants", 0L, "max_participants",
				maxParticipants, "base_price", basePrice, "discount_tiers", padded, "deadline", deadline, "is_active",
				true, "is_finalized", false, "escrow_vault", groupEscrowAddress(groupDeal), "created_at", now(),
				"finalized_at", 0L, "total_escrowed", 0L));
		in.emit("GroupDealCreated", fields("group_deal", groupDeal, "promotion", promotion, "merchant",
				promo.get("merchant"), "organizer", organizer, "target_participants", target, "base_price", basePrice,
				"deadline", deadline));
		return submit(in, shape, 29_000);
	}

	public LedgerTransaction joinGroupDeal(String user, String groupDeal, Shape shape) {
		Invocation in = begin("join_group_deal", user, Map.of());
		Map<String, Object> deal = load(in, groupDeal, "group deal");
		require(Boolean.TRUE.equals(deal.get("is_active")), "group deal is not active");
		long participants = number(deal.get("current_participants"));
		require(participants < number(deal.get("max_participants")), "group deal is full");
		String participant = participantAddress(groupDeal, user);
		require(!in.exists(participant), "already joined");
		long count = participants + 1;
		int discount = discountFor(deal, count);
		long amount = number(deal.get("base_price")) * (100 - discount) / 100;
		in.touch(groupEscrowAddress(groupDeal), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(participant, "GroupParticipant", fields("group_deal", groupDeal, "user", user, "amount_escrowed",
				amount, "joined_at", now(), "is_refunded", false, "coupon_minted", null));
		deal.put("current_participants", count);
		deal.put("total_escrowed", number(deal.get("total_escrowed")) + amount);
		in.save(groupDeal, "GroupDeal", deal);
		touchStats(in, user, stats -> increment(stats, "total_purchases"));
		in.emit("GroupDealJoined", fields("group_deal", groupDeal, "user", user, "participants_count", count,
				"amount_escrowed", amount, "current_discount", discount));
		return submit(in, shape, 33_000);
	}

	public LedgerTransaction finalizeGroupDeal(String authority, String groupDeal, Shape shape) {
		Invocation in = begin("finalize_group_deal", authority, Map.of());
		Map<String, Object> deal = load(in, groupDeal, "group deal");
		require(Boolean.TRUE.equals(deal.get("is_active")), "group deal is not active");
		long count = number(deal.get("current_participants"));
		require(count >= number(deal.get("target_participants")), "target not reached");
		in.touch(key(deal.get("promotion")), true);
		in.touch(key(deal.get("merchant")), true);
		in.touch(marketplaceAddress(), true);
		in.touch(groupEscrowAddress(groupDeal), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		deal.put("is_active", false);
		deal.put("is_finalized", true);
		deal.put("finalized_at", now());
		in.save(groupDeal, "GroupDeal", deal);
		in.emit("GroupDealFinalized", fields("group_deal", groupDeal, "participants_count", count, "final_discount",
				discountFor(deal, count), "total_revenue", deal.get("total_escrowed"), "finalized_at", now()));
		return submit(in, shape, 26_000);
	}

	public LedgerTransaction refundGroupDeal(String user, String groupDeal, Shape shape) {
		Invocation in = begin("refund_group_deal", user, Map.of());
		Map<String, Object> deal = load(in, groupDeal, "group deal");
		require(!Boolean.TRUE.equals(deal.get("is_finalized")), "group deal was finalized");
		String participant = participantAddress(groupDeal, user);
		Map<String, Object> joined = load(in, participant, "participant");
		require(!Boolean.TRUE.equals(joined.get("is_refunded")), "already refunded");
		long amount = number(joined.get("amount_escrowed"));
		in.touch(groupEscrowAddress(groupDeal), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		joined.put("is_refunded", true);
		in.save(participant, "GroupParticipant", joined);
		deal.put("total_escrowed", number(deal.get("total_escrowed")) - amount);
		in.save(groupDeal, "GroupDeal", deal);
		in.emit("GroupDealRefunded", fields("group_deal", groupDeal, "user", user, "refund_amount", amount,
				"timestamp", now()));
		return submit(in, shape, 17_000);
	}

	/** Mints the coupon a participant of a finalized group deal is owed; the program emits no event for it. */
	public LedgerTransaction mintGroupCoupon(String payer, String groupDeal, String user, long couponId,
			Shape shape) {
		Invocation in = begin("mint_group_coupon", payer, args("coupon_id", couponId));
		Map<String, Object> deal = load(in, groupDeal, "group deal");
		require(Boolean.TRUE.equals(deal.get("is_finalized")), "group deal is not finalized");
		String participant = participantAddress(groupDeal, user);
		Map<String, Object> joined = load(in, participant, "participant");
		require(joined.get("coupon_minted") == null && !Boolean.TRUE.equals(joined.get("is_refunded")),
				"nothing to mint");
		Map<String, Object> promo = load(in, key(deal.get("promotion")), "promotion");
		String coupon = groupCouponAddress(groupDeal, user);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(coupon, "Coupon", fields("id", couponId, "promotion", deal.get("promotion"), "owner", user, "merchant",
				deal.get("merchant"), "discount_percentage", discountFor(deal, number(deal.get("current_participants"))),
				"expiry_timestamp", promo.get("expiry_timestamp"), "is_redeemed", false, "redeemed_at", 0L,
				"created_at", now(), "metadata_uri", "https://coupons.example/group/" + couponId + ".json", "mint",
				null));
		joined.put("coupon_minted", coupon);
		in.save(participant, "GroupParticipant", joined);
		return submit(in, shape, 24_000);
	}

	public LedgerTransaction createAuction(String seller, String coupon, long auctionId, String auctionType,
			long startingPrice, long reservePrice, long durationSeconds, boolean autoExtend, long minBidIncrement,
			Shape shape) {
		Invocation in = begin("create_auction", seller, args("auction_id", auctionId, "auction_type",
				new EnumValue(auctionType, Map.of()), "starting_price", startingPrice, "reserve_price", reservePrice,
				"duration_seconds", durationSeconds, "auto_extend", autoExtend, "min_bid_increment", minBidIncrement));
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(seller), "only the owner auctions");
		require(!Boolean.TRUE.equals(state.get("is_redeemed")), "coupon is redeemed");
		String auction = auctionAddress(coupon, auctionId);
		require(!in.exists(auction), "auction id in use");
		in.invoke(Invocation.SYSTEM_PROGRAM);
		long endTime = now() + durationSeconds;
		in.save(auction, "CouponAuction", fields("coupon", coupon, "seller", seller, "auction_type",
				new EnumValue(auctionType, Map.of()), "start_time", now(), "end_time", endTime, "starting_price",
				startingPrice, "reserve_price", reservePrice, "current_bid", 0L, "highest_bidder", null, "bid_count",
				0L, "is_active", true, "is_finalized", false, "auto_extend", autoExtend, "extension_seconds", 300L,
				"min_bid_increment", minBidIncrement));
		touchStats(in, seller, stats -> increment(stats, "total_listings"));
		in.emit("AuctionCreated", fields("auction", auction, "coupon", coupon, "seller", seller, "auction_type",
				new EnumValue(auctionType, Map.of()), "starting_price", startingPrice, "reserve_price", reservePrice,
				"end_time", endTime));
		return submit(in, shape, 30_000);
	}

	public LedgerTransaction placeBid(String bidder, String auction, long amount, Shape shape) {
		Invocation in = begin("place_bid", bidder, args("bid_amount", amount));
		Map<String, Object> state = load(in, auction, "auction");
		require(Boolean.TRUE.equals(state.get("is_active")), "auction is not active");
		require(!"Dutch".equals(((EnumValue) state.get("auction_type")).variant()), "Dutch auctions take no bids");
		require(!key(state.get("seller")).equals(bidder), "seller cannot bid");
		long current = number(state.get("current_bid"));
		long minimum = current == 0 ? number(state.get("starting_price"))
				: current + number(state.get("min_bid_increment"));
		require(amount >= minimum, "bid below minimum");
		long count = number(state.get("bid_count"));
		String bid = bidAddress(auction, bidder, count);
		Object previousBidder = state.get("highest_bidder");
		if (previousBidder != null) {
			String previousBid = findWinningBid(in, auction, key(previousBidder), count);
			if (previousBid != null) {
				Map<String, Object> outbid = in.load(previousBid);
				outbid.put("is_winning", false);
				outbid.put("is_refunded", true);
				in.save(previousBid, "Bid", outbid);
			}
			in.touch(key(previousBidder), true);
		}
		in.touch(auctionEscrowAddress(auction), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		long endTime = number(state.get("end_time"));
		if (Boolean.TRUE.equals(state.get("auto_extend")) && endTime - now() < number(state.get("extension_seconds"))) {
			endTime = now() + number(state.get("extension_seconds"));
		}
		in.save(bid, "Bid", fields("auction", auction, "bidder", bidder, "amount", amount, "timestamp", now(),
				"is_winning", true, "is_refunded", false));
		state.put("current_bid", amount);
		state.put("highest_bidder", bidder);
		state.put("bid_count", count + 1);
		state.put("end_time", endTime);
		in.save(auction, "CouponAuction", state);
		touchStats(in, bidder, stats -> {
		});
		in.emit("BidPlaced", fields("auction", auction, "bidder", bidder, "amount", amount, "bid_count", count + 1,
				"new_end_time", endTime));
		return submit(in, shape, 36_000);
	}

	private String findWinningBid(Invocation in, String auction, String bidder, long bidCount) {
		for (long index = bidCount - 1; index >= 0; index--) {
			String candidate = bidAddress(auction, bidder, index);
			Map<String, Object> bid = in.load(candidate);
			if (bid != null && Boolean.TRUE.equals(bid.get("is_winning"))) {
				return candidate;
			}
		}
		return null;
	}

	public LedgerTransaction finalizeAuction(String authority, String auction, Shape shape) {
		Invocation in = begin("finalize_auction", authority, Map.of());
		Map<String, Object> state = load(in, auction, "auction");
		require(Boolean.TRUE.equals(state.get("is_active")), "auction is not active");
		require(state.get("highest_bidder") != null, "no bids to finalize");
		String winner = key(state.get("highest_bidder"));
		String coupon = key(state.get("coupon"));
		Map<String, Object> couponState = load(in, coupon, "coupon");
		Map<String, Object> marketplace = load(in, marketplaceAddress(), "marketplace");
		in.touch(auctionEscrowAddress(auction), true);
		in.touch(key(state.get("seller")), true);
		in.touch(winner, true);
		in.touch(key(marketplace.get("authority")), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		state.put("is_active", false);
		state.put("is_finalized", true);
		in.save(auction, "CouponAuction", state);
		couponState.put("owner", winner);
		in.save(coupon, "Coupon", couponState);
		touchStats(in, winner, stats -> increment(stats, "total_purchases"));
		in.emit("AuctionFinalized", fields("auction", auction, "winner", winner, "final_price",
				state.get("current_bid"), "auction_type", state.get("auction_type"), "finalized_at", now()));
		return submit(in, shape, 41_000);
	}

	public LedgerTransaction buyDutchAuction(String buyer, String auction, Shape shape) {
		Invocation in = begin("buy_dutch_auction", buyer, Map.of());
		Map<String, Object> state = load(in, auction, "auction");
		require(Boolean.TRUE.equals(state.get("is_active")), "auction is not active");
		require("Dutch".equals(((EnumValue) state.get("auction_type")).variant()), "not a Dutch auction");
		require(!key(state.get("seller")).equals(buyer), "seller cannot buy");
		String coupon = key(state.get("coupon"));
		Map<String, Object> couponState = load(in, coupon, "coupon");
		Map<String, Object> marketplace = load(in, marketplaceAddress(), "marketplace");
		long start = number(state.get("start_time"));
		long end = number(state.get("end_time"));
		long startingPrice = number(state.get("starting_price"));
		long reserve = number(state.get("reserve_price"));
		long elapsed = Math.min(Math.max(now() - start, 0), Math.max(end - start, 1));
		long price = startingPrice - (startingPrice - reserve) * elapsed / Math.max(end - start, 1);
		in.touch(key(state.get("seller")), true);
		in.touch(key(marketplace.get("authority")), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		state.put("is_active", false);
		state.put("is_finalized", true);
		state.put("current_bid", price);
		state.put("highest_bidder", buyer);
		in.save(auction, "CouponAuction", state);
		couponState.put("owner", buyer);
		in.save(coupon, "Coupon", couponState);
		touchStats(in, buyer, stats -> increment(stats, "total_purchases"));
		in.emit("AuctionFinalized", fields("auction", auction, "winner", buyer, "final_price", price, "auction_type",
				state.get("auction_type"), "finalized_at", now()));
		return submit(in, shape, 38_000);
	}

	public LedgerTransaction cancelAuction(String seller, String auction, String reason, Shape shape) {
		Invocation in = begin("cancel_auction", seller, Map.of());
		Map<String, Object> state = load(in, auction, "auction");
		require(Boolean.TRUE.equals(state.get("is_active")), "auction is not active");
		require(key(state.get("seller")).equals(seller), "only the seller cancels");
		require(number(state.get("bid_count")) == 0, "auction has bids");
		state.put("is_active", false);
		in.save(auction, "CouponAuction", state);
		in.emit("AuctionCancelled", fields("auction", auction, "reason", reason, "timestamp", now()));
		return submit(in, shape, 9_000);
	}

	public LedgerTransaction generateRedemptionTicket(String user, String coupon, long nonce, Double latitude,
			Double longitude, Shape shape) {
		Invocation in = begin("generate_redemption_ticket", user,
				args("nonce", nonce, "latitude", latitude, "longitude", longitude));
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(user), "only the owner asks for a ticket");
		require(!Boolean.TRUE.equals(state.get("is_redeemed")), "coupon is redeemed");
		String ticket = ticketAddress(coupon, user, nonce);
		require(!in.exists(ticket), "nonce in use");
		byte[] hash = sha256(coupon + user + nonce);
		long expiresAt = now() + 300;
		Map<String, Object> location = latitude == null || longitude == null ? null
				: fields("latitude", (long) (latitude * 1e6), "longitude", (long) (longitude * 1e6), "timestamp", now());
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.save(ticket, "RedemptionTicket", fields("coupon", coupon, "user", user, "merchant", state.get("merchant"),
				"ticket_hash", hash, "created_at", now(), "expires_at", expiresAt, "is_consumed", false, "nonce", nonce,
				"redemption_location", location));
		in.emit("TicketGenerated", fields("ticket", ticket, "coupon", coupon, "user", user, "merchant",
				state.get("merchant"), "ticket_hash", hash, "expires_at", expiresAt, "nonce", nonce));
		return submit(in, shape, 23_000);
	}

	public LedgerTransaction verifyAndRedeemTicket(String merchantAuthority, String ticket, Shape shape) {
		// why: the expected hash is the ticket's own; the data is set again once the ticket is read
		Invocation in = begin("verify_and_redeem_ticket", merchantAuthority, args("expected_hash", new byte[32]));
		Map<String, Object> state = load(in, ticket, "ticket");
		in.instructionData(instructionData("verify_and_redeem_ticket", args("expected_hash", state.get("ticket_hash"))));
		require(!Boolean.TRUE.equals(state.get("is_consumed")), "ticket already used");
		String coupon = key(state.get("coupon"));
		String user = key(state.get("user"));
		Map<String, Object> couponState = load(in, coupon, "coupon");
		require(!Boolean.TRUE.equals(couponState.get("is_redeemed")), "coupon is redeemed");
		require(key(couponState.get("owner")).equals(user), "ticket holder no longer owns the coupon");
		String merchantAddress = key(couponState.get("merchant"));
		Map<String, Object> merchant = load(in, merchantAddress, "merchant");
		require(key(merchant.get("authority")).equals(merchantAuthority), "only the merchant verifies");
		in.touch(user, true);
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: Burn");
		state.put("is_consumed", true);
		in.save(ticket, "RedemptionTicket", state);
		couponState.put("is_redeemed", true);
		couponState.put("redeemed_at", now());
		in.save(coupon, "Coupon", couponState);
		merchant.put("total_coupons_redeemed", number(merchant.get("total_coupons_redeemed")) + 1);
		in.save(merchantAddress, "Merchant", merchant);
		touchStats(in, user, stats -> increment(stats, "total_redemptions"));
		in.emit("TicketRedeemed", fields("ticket", ticket, "coupon", coupon, "nft_mint", mint(couponState), "user",
				user, "merchant", merchantAddress, "redeemed_at", now()));
		return submit(in, shape, 34_000);
	}

	/** Closes an unused ticket and returns its rent; the program emits no event for it. */
	public LedgerTransaction cancelRedemptionTicket(String user, String ticket, Shape shape) {
		Invocation in = begin("cancel_redemption_ticket", user, Map.of());
		Map<String, Object> state = load(in, ticket, "ticket");
		require(key(state.get("user")).equals(user), "only the holder cancels");
		require(!Boolean.TRUE.equals(state.get("is_consumed")), "ticket already used");
		in.close(ticket);
		return submit(in, shape, 7_000);
	}

	public LedgerTransaction stakeCoupon(String user, String coupon, long durationDays, Shape shape) {
		Invocation in = begin("stake_coupon", user, args("duration_days", durationDays));
		Map<String, Object> state = load(in, coupon, "coupon");
		require(key(state.get("owner")).equals(user), "only the owner stakes");
		require(!Boolean.TRUE.equals(state.get("is_redeemed")), "coupon is redeemed");
		require(state.get("mint") != null, "coupon has no NFT");
		String stake = stakeAddress(coupon, user);
		Map<String, Object> existing = in.load(stake);
		require(existing == null || !Boolean.TRUE.equals(existing.get("is_active")), "already staked");
		Map<String, Object> pool = load(in, stakingPoolAddress(), "staking pool");
		long amount = 1_000_000L * (long) number(state.get("discount_percentage"));
		long expected = amount * number(pool.get("reward_rate_per_day")) * durationDays / 10_000;
		in.touch(pda(bytes("stake_vault"), seed(state.get("mint"))), true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: Transfer");
		in.save(stake, "StakeAccount", fields("user", user, "coupon", coupon, "nft_mint", state.get("mint"),
				"amount_staked", amount, "staked_at", now(), "unlock_at", now() + durationDays * 86_400, "duration_days",
				durationDays, "rewards_earned", 0L, "is_active", true, "claimed_at", null));
		pool.put("total_staked", number(pool.get("total_staked")) + amount);
		in.save(stakingPoolAddress(), "StakingPool", pool);
		in.emit("RewardsStaked", fields("staker", user, "amount", amount, "duration", durationDays * 86_400,
				"expected_rewards", expected, "timestamp", now()));
		return submit(in, shape, 39_000);
	}

	public LedgerTransaction claimRewards(String user, String coupon, Shape shape) {
		Invocation in = begin("claim_rewards", user, Map.of());
		String stake = stakeAddress(coupon, user);
		Map<String, Object> state = load(in, stake, "stake");
		require(Boolean.TRUE.equals(state.get("is_active")), "stake is not active");
		Map<String, Object> pool = load(in, stakingPoolAddress(), "staking pool");
		long amount = number(state.get("amount_staked"));
		long rewards = amount * number(pool.get("reward_rate_per_day")) * number(state.get("duration_days")) / 10_000;
		in.touch(pda(bytes("stake_vault"), seed(state.get("nft_mint"))), true);
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: Transfer");
		state.put("rewards_earned", rewards);
		state.put("is_active", false);
		state.put("claimed_at", now());
		in.save(stake, "StakeAccount", state);
		pool.put("total_staked", number(pool.get("total_staked")) - amount);
		pool.put("total_rewards_distributed", number(pool.get("total_rewards_distributed")) + rewards);
		in.save(stakingPoolAddress(), "StakingPool", pool);
		in.emit("RewardsClaimed", fields("staker", user, "amount", rewards, "timestamp", now()));
		return submit(in, shape, 28_000);
	}

	/** Awards a badge: {@code auto} is auto_award_badge (recorded in the user's stats), else mint_badge. */
	public LedgerTransaction awardBadge(String authority, String user, String badgeType, String badgeAccount,
			String mint, boolean auto, Shape shape) {
		EnumValue badge = new EnumValue(badgeType, Map.of());
		Invocation in = begin(auto ? "auto_award_badge" : "mint_badge", authority, args("badge_type", badge));
		require(!in.exists(badgeAccount), "badge account in use");
		in.touch(user, !auto);
		in.touch(mint, true);
		in.invoke(Invocation.SYSTEM_PROGRAM);
		in.invoke(Invocation.TOKEN_PROGRAM, "Instruction: MintTo");
		in.save(badgeAccount, "BadgeNFT", fields("user", user, "badge_type", badge, "mint", mint, "metadata",
				pda(bytes("metadata"), seed(mint)), "earned_at", now(), "metadata_uri",
				"https://badges.example/" + badgeType + ".json"));
		if (auto) {
			int index = badgeIndex(badgeType);
			touchStats(in, user, stats -> {
				byte[] earned = (byte[]) stats.get("badges_earned");
				byte[] more = Arrays.copyOf(earned, earned.length + 1);
				more[earned.length] = (byte) index;
				stats.put("badges_earned", more);
			});
		}
		in.emit("BadgeEarned", fields("user", user, "badge_type", badge, "mint", mint));
		return submit(in, shape, 52_000);
	}

	public LedgerTransaction updateExternalDeal(String payer, String source, String externalId, String title,
			long originalPrice, long discountedPrice, String category, long expiry, Shape shape) {
		String description = title + " via " + source;
		String image = "https://img.example/" + externalId + ".png";
		String affiliate = "https://go.example/" + externalId;
		Invocation in = begin("update_external_deal", payer, args("external_id", externalId, "title", title,
				"description", description, "original_price", originalPrice, "discounted_price", discountedPrice,
				"category", category, "image_url", image, "affiliate_url", affiliate, "expiry_timestamp", expiry));
		require(discountedPrice <= originalPrice && originalPrice > 0, "discounted price above original");
		String deal = externalDealAddress(externalId);
		Map<String, Object> existing = in.load(deal);
		long verifications = existing == null ? 1 : number(existing.get("verification_count")) + 1;
		boolean verified = verifications >= 2;
		int discount = (int) ((originalPrice - discountedPrice) * 100 / originalPrice);
		if (existing == null) {
			in.invoke(Invocation.SYSTEM_PROGRAM);
		}
		EnumValue dealSource = new EnumValue(source, Map.of());
		in.save(deal, "ExternalDeal", fields("oracle_authority", payer, "source", dealSource, "external_id", externalId,
				"title", title, "description", description, "original_price", originalPrice, "discounted_price",
				discountedPrice, "discount_percentage", discount, "category", category, "image_url", image,
				"affiliate_url", affiliate, "expiry_timestamp", expiry, "last_updated", now(), "is_verified", verified,
				"verification_count", verifications));
		in.emit("ExternalDealUpdated", fields("deal", deal, "source", dealSource, "external_id", externalId, "price",
				discountedPrice, "verified", verified));
		return submit(in, shape, 25_000);
	}

	// ---- helpers ----

	long now() {
		return ledger.blockTime(ledger.slot());
	}

	private Invocation begin(String instruction, String signer, Map<String, Object> arguments) {
		Invocation in = new Invocation(this, instruction, signer);
		in.instructionData(instructionData(instruction, arguments));
		return in;
	}

	private byte[] instructionData(String instruction, Map<String, Object> arguments) {
		IdlInstruction definition = idl.instructions().stream().filter(i -> i.name().equals(instruction)).findFirst()
			.orElseThrow(() -> new IllegalArgumentException("the IDL has no instruction " + instruction));
		ByteArrayOutputStream data = new ByteArrayOutputStream();
		data.writeBytes(definition.discriminator().bytes());
		for (IdlField argument : definition.arguments()) {
			data.writeBytes(encoder.encode(argument.type(), arguments.get(argument.name())));
		}
		return data.toByteArray();
	}

	private LedgerTransaction submit(Invocation in, Shape shape, long computeUnits) {
		return ledger.submit(in.finish(shape, computeUnits));
	}

	private Map<String, Object> load(Invocation in, String address, String what) {
		Map<String, Object> state = in.load(address);
		require(state != null, what + " " + address + " does not exist");
		return state;
	}

	private void touchStats(Invocation in, String user, java.util.function.Consumer<Map<String, Object>> change) {
		String address = userStatsAddress(user);
		Map<String, Object> stats = in.load(address);
		if (stats == null) {
			stats = fields("user", user, "total_purchases", 0L, "total_redemptions", 0L, "total_ratings_given", 0L,
					"total_comments", 0L, "total_listings", 0L, "reputation_score", 0L, "tier",
					new EnumValue("Bronze", Map.of()), "badges_earned", new byte[0], "joined_at", now(),
					"last_activity", now());
		}
		change.accept(stats);
		long score = number(stats.get("total_purchases")) * 10 + number(stats.get("total_redemptions")) * 20
				+ number(stats.get("total_ratings_given")) * 5 + number(stats.get("total_comments")) * 2
				+ number(stats.get("total_listings")) * 3;
		stats.put("reputation_score", score);
		stats.put("tier", new EnumValue(score < 100 ? "Bronze" : score < 300 ? "Silver" : score < 1000 ? "Gold"
				: score < 3000 ? "Platinum" : "Diamond", Map.of()));
		stats.put("last_activity", now());
		in.save(address, "UserStats", stats);
	}

	private static void increment(Map<String, Object> stats, String counter) {
		stats.put(counter, number(stats.get(counter)) + 1);
	}

	@SuppressWarnings("unchecked")
	private static int discountFor(Map<String, Object> deal, long participants) {
		int discount = 0;
		for (Object tier : (List<Object>) deal.get("discount_tiers")) {
			Map<String, Object> values = (Map<String, Object>) tier;
			long minimum = number(values.get("min_participants"));
			if (minimum > 0 && participants >= minimum) {
				discount = Math.max(discount, (int) number(values.get("discount_percentage")));
			}
		}
		return discount;
	}

	private int badgeIndex(String badgeType) {
		IdlTypeDefinition.Enum badges = (IdlTypeDefinition.Enum) idl.type("BadgeType").body();
		for (int i = 0; i < badges.variants().size(); i++) {
			if (badges.variants().get(i).name().equals(badgeType)) {
				return i;
			}
		}
		throw new IllegalArgumentException("no badge type " + badgeType);
	}

	private static Map<String, Object> location(Double latitude, Double longitude) {
		boolean known = latitude != null && longitude != null;
		long lat = known ? (long) (latitude * 1e6) : 0;
		long lon = known ? (long) (longitude * 1e6) : 0;
		return fields("latitude", lat, "longitude", lon, "region_code", known ? 44L : 0L, "country_code",
				known ? 250L : 0L, "city_hash", known ? Math.abs(lat * 31 + lon) : 0L);
	}

	private static String mint(Map<String, Object> coupon) {
		Object mint = coupon.get("mint");
		// why: coupons minted by group deals have no NFT; their events name the default (all-zero) key
		return mint == null ? "11111111111111111111111111111111" : key(mint);
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new InstructionRejected(message);
		}
	}

	static long number(Object value) {
		return ((Number) value).longValue();
	}

	static String key(Object value) {
		return value instanceof PublicKey key ? key.toBase58() : (String) value;
	}

	private static byte[] seed(Object key) {
		return Base58.decode(key(key));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] u64(long value) {
		byte[] bytes = new byte[8];
		for (int i = 0; i < 8; i++) {
			bytes[i] = (byte) (value >>> (8 * i));
		}
		return bytes;
	}

	private static byte[] u32(long value) {
		return Arrays.copyOf(u64(value), 4);
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes(text));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Map<String, Object> fields(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	private static Map<String, Object> args(Object... keysAndValues) {
		return fields(keysAndValues);
	}

	/** The largest a value of the type can be with strings of 200 bytes and up to 16 elements per collection. */
	private int maxSize(IdlType type, int depth) {
		if (depth > 8) {
			return 0;
		}
		if (type instanceof IdlType.Primitive primitive) {
			return switch (primitive) {
				case BOOL, U8, I8 -> 1;
				case U16, I16 -> 2;
				case U32, I32, F32 -> 4;
				case U64, I64, F64 -> 8;
				case U128, I128 -> 16;
				case U256, I256, PUBKEY -> 32;
				case STRING -> 4 + 200;
				case BYTES -> 4 + 64;
			};
		}
		if (type instanceof IdlType.Vec vec) {
			return 4 + 16 * maxSize(vec.element(), depth + 1);
		}
		if (type instanceof IdlType.Option option) {
			return 1 + maxSize(option.inner(), depth + 1);
		}
		if (type instanceof IdlType.COption option) {
			return 4 + maxSize(option.inner(), depth + 1);
		}
		if (type instanceof IdlType.Array array && array.length() instanceof IdlType.FixedLength length) {
			return length.value() * maxSize(array.element(), depth + 1);
		}
		if (type instanceof IdlType.Defined defined) {
			IdlTypeDefinition definition = idl.type(defined.name());
			if (definition.body() instanceof IdlTypeDefinition.Struct struct) {
				return struct.fields().stream().mapToInt(field -> maxSize(field.type(), depth + 1)).sum();
			}
			if (definition.body() instanceof IdlTypeDefinition.Enum enumeration) {
				return 1 + enumeration.variants().stream()
					.mapToInt(v -> v.fields().stream().mapToInt(f -> maxSize(f.type(), depth + 1)).sum()).max()
					.orElse(0);
			}
			return maxSize(((IdlTypeDefinition.Alias) definition.body()).target(), depth + 1);
		}
		return 0;
	}
}
