package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.isTrue;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.mintOrDefault;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;

import java.util.Map;

import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/** Coupons and fixed-price listings: document §2.2–§2.4 and §3. */
final class Coupons {

	static final String METADATA_URI = "https://example.com/metadata.json";

	private final ProgramRuntime program;

	private final UserStatsBook userStats;

	private final TokenAccounts tokens;

	Coupons(ProgramRuntime program, UserStatsBook userStats, TokenAccounts tokens) {
		this.program = program;
		this.userStats = userStats;
		this.tokens = tokens;
	}

	/**
	 * §2.2: no link checks, so the merchant incremented (and named in the coupon and event) is the one passed. The
	 * authority signs and pays.
	 */
	LedgerTransaction mintCoupon(String authority, String promotion, String merchant, String recipient, long couponId,
			String nftMint, Shape shape) {
		Invocation in = program.begin("mint_coupon", authority, fields("coupon_id", couponId));
		Map<String, Object> promo = program.load(in, promotion, "Promotion");
		long supply = number(promo.get("current_supply"));
		String coupon = program.pdas().coupon(promotion, supply);
		String tokenAccount = program.pdas().associatedTokenAccount(recipient, nftMint);
		String marketplaceAddress = program.pdas().marketplace();
		in.account("coupon", coupon);
		in.account("nft_mint", nftMint);
		in.account("token_account", tokenAccount);
		in.account("metadata", program.pdas().metadata(nftMint));
		in.account("master_edition", program.pdas().masterEdition(nftMint));
		in.account("promotion", promotion);
		in.account("merchant", merchant);
		in.account("marketplace", marketplaceAddress);
		in.account("recipient", recipient);
		in.account("user_stats", program.pdas().userStats(recipient));
		in.account("payer", authority);
		in.account("authority", authority);
		Map<String, Object> merchantState = program.load(in, merchant, "Merchant");
		Map<String, Object> marketplace = program.load(in, marketplaceAddress, "Marketplace");
		require(isTrue(promo.get("is_active")), "PromotionInactive", "promotion " + promotion + " is inactive");
		require(supply < number(promo.get("max_supply")), "SupplyExhausted", "promotion " + promotion + " sold out");
		long now = program.now();
		require(number(promo.get("expiry_timestamp")) > now, "PromotionExpired", "promotion " + promotion);
		require(!in.occupied(coupon), "AccountAlreadyInUse", "coupon " + coupon + " exists");
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, recipient);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		tokens.createMint(in, nftMint, authority);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: InitializeMint2");
		in.invoke(Pdas.ASSOCIATED_TOKEN_PROGRAM, "Create");
		in.invoke(Pdas.TOKEN_METADATA_PROGRAM, "IX: Create");
		tokens.mintOne(in, nftMint, recipient);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: MintTo");
		Object discount = promo.get("discount_percentage");
		in.save(coupon, "Coupon", fields("id", couponId, "promotion", promotion, "owner", recipient, "merchant",
				merchant, "discount_percentage", discount, "expiry_timestamp", promo.get("expiry_timestamp"),
				"is_redeemed", false, "redeemed_at", 0L, "created_at", now, "metadata_uri", METADATA_URI, "mint",
				nftMint));
		promo.put("current_supply", Values.addU32(supply, 1));
		in.save(promotion, "Promotion", promo);
		merchantState.put("total_coupons_created",
				Values.addU64(number(merchantState.get("total_coupons_created")), 1));
		in.save(merchant, "Merchant", merchantState);
		marketplace.put("total_coupons", Values.addU64(number(marketplace.get("total_coupons")), 1));
		in.save(marketplaceAddress, "Marketplace", marketplace);
		stats.increment("total_purchases").reputation(5).touchActivity().save();
		in.emit("CouponMinted", fields("coupon", coupon, "nft_mint", nftMint, "promotion", promotion, "recipient",
				recipient, "merchant", merchant, "discount_percentage", discount));
		return program.submit(in, shape, 68_000);
	}

	/** §2.3: only the ownership field moves (not the NFT); a transfer to oneself is allowed. */
	LedgerTransaction transferCoupon(String from, String coupon, String to, Shape shape) {
		Invocation in = program.begin("transfer_coupon", from, Map.of());
		in.account("coupon", coupon);
		in.account("new_owner", to);
		in.account("from_authority", from);
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		require(key(state.get("owner")).equals(from), "NotCouponOwner", from + " does not own " + coupon);
		requireRedeemable(state, coupon);
		state.put("owner", to);
		in.save(coupon, "Coupon", state);
		in.emit("CouponTransferred", fields("coupon", coupon, "nft_mint", mintOrDefault(state), "from", from, "to", to,
				"timestamp", program.now()));
		return program.submit(in, shape, 9_000);
	}

	/**
	 * §2.4: burns a token of the mint passed from the user's token account; the mint is not checked against the
	 * coupon's, and the event reports the one passed.
	 */
	LedgerTransaction redeemCoupon(String user, String coupon, String nftMint, String merchant,
			String merchantAuthority, Shape shape) {
		Invocation in = program.begin("redeem_coupon", user, Map.of());
		String tokenAccount = program.pdas().associatedTokenAccount(user, nftMint);
		in.account("coupon", coupon);
		in.account("nft_mint", nftMint);
		in.account("token_account", tokenAccount);
		in.account("merchant", merchant);
		in.account("user_stats", program.pdas().userStats(user));
		in.account("user", user);
		in.account("merchant_authority", merchantAuthority);
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		Map<String, Object> merchantState = program.load(in, merchant, "Merchant");
		TokenAccounts.Holding holding = tokens.requireAccount(in, tokenAccount, nftMint, user);
		require(key(state.get("owner")).equals(user), "NotCouponOwner", user + " does not own " + coupon);
		require(key(state.get("merchant")).equals(merchant), "WrongMerchant", merchant + " did not issue " + coupon);
		require(key(merchantState.get("authority")).equals(merchantAuthority), "NotMerchantAuthority",
				merchantAuthority + " is not the authority of " + merchant);
		requireRedeemable(state, coupon);
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, user);
		tokens.burnOne(in, tokenAccount, holding);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: Burn");
		long now = program.now();
		state.put("is_redeemed", true);
		state.put("redeemed_at", now);
		in.save(coupon, "Coupon", state);
		merchantState.put("total_coupons_redeemed",
				Values.addU64(number(merchantState.get("total_coupons_redeemed")), 1));
		in.save(merchant, "Merchant", merchantState);
		stats.increment("total_redemptions").reputation(10).touchActivity().save();
		in.emit("CouponRedeemed", fields("coupon", coupon, "nft_mint", nftMint, "user", key(state.get("owner")),
				"merchant", key(state.get("merchant")), "discount_percentage", state.get("discount_percentage"),
				"redemption_code", "REDEEMED-" + Long.toUnsignedString(number(state.get("id"))), "timestamp", now));
		return program.submit(in, shape, 27_000);
	}

	/** §3.1: the listing is never closed, so a coupon can be listed once in its life. */
	LedgerTransaction listForSale(String seller, String coupon, long price, Shape shape) {
		Invocation in = program.begin("list_for_sale", seller, fields("price", price));
		String listing = program.pdas().listing(coupon);
		in.account("listing", listing);
		in.account("coupon", coupon);
		in.account("user_stats", program.pdas().userStats(seller));
		in.account("seller", seller);
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		require(price > 0, "InvalidPrice", "price is 0");
		requireRedeemable(state, coupon);
		require(key(state.get("owner")).equals(seller), "NotCouponOwner", seller + " does not own " + coupon);
		require(!in.occupied(listing), "AccountAlreadyInUse", "listing " + listing + " exists");
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, seller);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(listing, "Listing", fields("coupon", coupon, "seller", seller, "price", price, "is_active", true,
				"created_at", program.now()));
		stats.increment("total_listings").reputation(3).touchActivity().save();
		in.emit("CouponListed", fields("listing", listing, "coupon", coupon, "nft_mint", mintOrDefault(state), "seller",
				seller, "price", price));
		return program.submit(in, shape, 22_000);
	}

	/**
	 * §3.2: the seller is not checked to still own the coupon, the NFT does not move, the listing stays, and the
	 * buyer's stats are not touched.
	 */
	LedgerTransaction buyListing(String buyer, String listing, String coupon, String seller,
			String marketplaceAuthority, Shape shape) {
		Invocation in = program.begin("buy_listing", buyer, Map.of());
		String marketplaceAddress = program.pdas().marketplace();
		in.account("listing", listing);
		in.account("coupon", coupon);
		in.account("marketplace", marketplaceAddress);
		in.account("seller", seller);
		in.account("buyer", buyer);
		in.account("marketplace_authority", marketplaceAuthority);
		Map<String, Object> listed = program.load(in, listing, "Listing");
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		Map<String, Object> marketplace = program.load(in, marketplaceAddress, "Marketplace");
		require(isTrue(listed.get("is_active")), "ListingInactive", "listing " + listing + " is inactive");
		require(key(listed.get("coupon")).equals(coupon), "WrongCoupon", coupon + " is not the listed coupon");
		require(key(listed.get("seller")).equals(seller), "NotListingSeller", seller + " did not list " + listing);
		require(key(marketplace.get("authority")).equals(marketplaceAuthority), "NotMarketplaceAuthority",
				marketplaceAuthority + " is not the marketplace authority");
		requireRedeemable(state, coupon);
		long price = number(listed.get("price"));
		long fee = fee(price, marketplace);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		// why: the program emits before it writes; no field of the event depends on the writes
		in.emit("CouponSold", fields("listing", listing, "coupon", coupon, "nft_mint", mintOrDefault(state), "seller",
				key(listed.get("seller")), "buyer", buyer, "price", price, "marketplace_fee", fee));
		state.put("owner", buyer);
		in.save(coupon, "Coupon", state);
		listed.put("is_active", false);
		in.save(listing, "Listing", listed);
		return program.submit(in, shape, 35_000);
	}

	/** §3.3: the listing is deactivated, not closed. */
	LedgerTransaction cancelListing(String seller, String listing, Shape shape) {
		Invocation in = program.begin("cancel_listing", seller, Map.of());
		in.account("listing", listing);
		in.account("seller", seller);
		Map<String, Object> listed = program.load(in, listing, "Listing");
		require(key(listed.get("seller")).equals(seller), "NotListingSeller", seller + " did not list " + listing);
		require(isTrue(listed.get("is_active")), "ListingInactive", "listing " + listing + " is inactive");
		listed.put("is_active", false);
		in.save(listing, "Listing", listed);
		in.emit("ListingCancelled", fields("listing", listing, "coupon", listed.get("coupon"), "seller",
				listed.get("seller"), "timestamp", program.now()));
		return program.submit(in, shape, 8_000);
	}

	/** CouponAlreadyRedeemed, then CouponExpired (expiry ≤ now). */
	void requireRedeemable(Map<String, Object> coupon, String address) {
		require(!isTrue(coupon.get("is_redeemed")), "CouponAlreadyRedeemed", "coupon " + address + " is redeemed");
		require(number(coupon.get("expiry_timestamp")) > program.now(), "CouponExpired",
				"coupon " + address + " expired");
	}

	/** marketplace fee(x) = floor(x × fee_basis_points / 10000). */
	static long fee(long amount, Map<String, Object> marketplace) {
		return Values.mulU64(amount, number(marketplace.get("fee_basis_points"))) / 10_000;
	}
}
