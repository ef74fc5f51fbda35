package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.isTrue;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;

import java.util.Map;

import io.couponsync.chain.value.EnumValue;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * Auctions: document §10 and §13 fact 9. English auctions start at their starting price and take rising bids;
 * sealed bids change neither the current bid nor the highest bidder, so such an auction always ends through
 * finalize_auction's "Reserve price not met" branch (or cancel_auction); Dutch auctions are bought at the price of
 * the moment. Bids are never marked refunded or losing.
 */
final class Auctions {

	static final long EXTENSION_SECONDS = 300;

	static final String RESERVE_NOT_MET = "Reserve price not met";

	static final String CANCELLED_BY_SELLER = "Cancelled by seller";

	private final ProgramRuntime program;

	private final UserStatsBook userStats;

	private final Coupons coupons;

	Auctions(ProgramRuntime program, UserStatsBook userStats, Coupons coupons) {
		this.program = program;
		this.userStats = userStats;
		this.coupons = coupons;
	}

	/** §10.1: the coupon is not locked; it may have several auctions and a listing at once. */
	LedgerTransaction createAuction(String seller, String coupon, long auctionId, String auctionType,
			long startingPrice, long reservePrice, long durationSeconds, boolean autoExtend, long minBidIncrement,
			Shape shape) {
		EnumValue type = new EnumValue(auctionType, Map.of());
		Invocation in = program.begin("create_auction", seller, fields("auction_id", auctionId, "auction_type", type,
				"starting_price", startingPrice, "reserve_price", reservePrice, "duration_seconds", durationSeconds,
				"auto_extend", autoExtend, "min_bid_increment", minBidIncrement));
		String auction = program.pdas().auction(coupon, auctionId);
		in.account("auction", auction);
		in.account("coupon", coupon);
		in.account("user_stats", program.pdas().userStats(seller));
		in.account("seller", seller);
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		require(key(state.get("owner")).equals(seller), "NotCouponOwner", seller + " does not own " + coupon);
		coupons.requireRedeemable(state, coupon);
		require(startingPrice > 0 && reservePrice > 0, "InvalidPrice", "a price is 0");
		require(!"English".equals(auctionType) || reservePrice <= startingPrice, "InvalidPrice",
				"English reserve above the starting price");
		require(!"Dutch".equals(auctionType) || reservePrice < startingPrice, "InvalidPrice",
				"Dutch reserve not below the starting price");
		require(!"SealedBid".equals(auctionType) || minBidIncrement > 0, "InvalidPrice",
				"sealed-bid increment is 0");
		require(durationSeconds >= 300 && durationSeconds <= 604_800, "InvalidExpiry",
				"duration " + durationSeconds + " s");
		require(!in.occupied(auction), "AccountAlreadyInUse", "auction " + auction + " exists");
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, seller);
		long now = program.now();
		long endTime = now + durationSeconds;
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(auction, "CouponAuction", fields("coupon", coupon, "seller", seller, "auction_type", type, "start_time",
				now, "end_time", endTime, "starting_price", startingPrice, "reserve_price", reservePrice, "current_bid",
				"English".equals(auctionType) ? startingPrice : 0L, "highest_bidder", null, "bid_count", 0L,
				"is_active", true, "is_finalized", false, "auto_extend", autoExtend, "extension_seconds",
				EXTENSION_SECONDS, "min_bid_increment", minBidIncrement));
		stats.increment("total_listings").reputation(5).touchActivity().save();
		in.emit("AuctionCreated", fields("auction", auction, "coupon", coupon, "seller", seller, "auction_type", type,
				"starting_price", startingPrice, "reserve_price", reservePrice, "end_time", endTime));
		return program.submit(in, shape, 30_000);
	}

	/**
	 * §10.2 (English and SealedBid): the bid's seed is the bid count before it. English bids lead and refund the
	 * previous bidder (an account the program does not check); sealed bids change nothing on the auction but
	 * its bid count and end time.
	 */
	LedgerTransaction placeBid(String bidder, String auction, long amount, String previousBidder, Shape shape) {
		Invocation in = program.begin("place_bid", bidder, fields("bid_amount", amount));
		Map<String, Object> state = program.load(in, auction, "CouponAuction");
		long count = number(state.get("bid_count"));
		String bid = program.pdas().bid(auction, bidder, count);
		in.account("bid", bid);
		in.account("auction", auction);
		in.account("escrow", program.pdas().auctionEscrow(auction));
		in.account("previous_bidder", previousBidder);
		in.account("user_stats", program.pdas().userStats(bidder));
		in.account("bidder", bidder);
		String type = type(state);
		long now = program.now();
		long endTime = number(state.get("end_time"));
		long current = number(state.get("current_bid"));
		require(isTrue(state.get("is_active")), "ListingInactive", "auction " + auction + " is inactive");
		require(!"Dutch".equals(type), "InvalidInput", "Dutch auctions take no bids");
		require(now <= endTime, "CouponExpired", "auction " + auction + " ended");
		if ("English".equals(type)) {
			require(amount >= Values.addU64(current, number(state.get("min_bid_increment"))), "InvalidPrice",
					"bid " + amount + " below " + current + " + increment");
		}
		else {
			require(amount >= number(state.get("starting_price")), "InvalidPrice", "bid below the starting price");
		}
		require(!in.occupied(bid), "AccountAlreadyInUse", "bid " + bid + " exists");
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, bidder);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		boolean english = "English".equals(type);
		if (english && state.get("highest_bidder") != null && current > 0) {
			in.invoke(Pdas.SYSTEM_PROGRAM);
		}
		if (isTrue(state.get("auto_extend")) && endTime - now < EXTENSION_SECONDS) {
			endTime = Values.addU64(endTime, number(state.get("extension_seconds")));
		}
		in.save(bid, "Bid", fields("auction", auction, "bidder", bidder, "amount", amount, "timestamp", now,
				"is_winning", english, "is_refunded", false));
		if (english) {
			state.put("current_bid", amount);
			state.put("highest_bidder", bidder);
		}
		long after = Values.addU32(count, 1);
		state.put("bid_count", after);
		state.put("end_time", endTime);
		in.save(auction, "CouponAuction", state);
		stats.reputation(2).touchActivity().save();
		in.emit("BidPlaced", fields("auction", auction, "bidder", bidder, "amount", amount, "bid_count", after,
				"new_end_time", endTime));
		return program.submit(in, shape, 36_000);
	}

	/** §10.3: at Dutch price(now); the seller's ownership and the coupon's state are not checked. */
	LedgerTransaction buyDutchAuction(String buyer, String auction, String coupon, String seller,
			String marketplaceAuthority, Shape shape) {
		Invocation in = program.begin("buy_dutch_auction", buyer, Map.of());
		String marketplaceAddress = program.pdas().marketplace();
		in.account("auction", auction);
		in.account("coupon", coupon);
		in.account("marketplace", marketplaceAddress);
		in.account("seller", seller);
		in.account("marketplace_authority", marketplaceAuthority);
		in.account("user_stats", program.pdas().userStats(buyer));
		in.account("buyer", buyer);
		Map<String, Object> state = program.load(in, auction, "CouponAuction");
		Map<String, Object> couponState = program.load(in, coupon, "Coupon");
		Map<String, Object> marketplace = program.load(in, marketplaceAddress, "Marketplace");
		long now = program.now();
		require(isTrue(state.get("is_active")), "ListingInactive", "auction " + auction + " is inactive");
		require("Dutch".equals(type(state)), "InvalidInput", "not a Dutch auction");
		require(key(state.get("coupon")).equals(coupon), "WrongCoupon", coupon + " is not the auctioned coupon");
		require(key(state.get("seller")).equals(seller), "NotListingSeller", seller + " is not the seller");
		require(key(marketplace.get("authority")).equals(marketplaceAuthority), "NotMarketplaceAuthority",
				marketplaceAuthority + " is not the marketplace authority");
		require(now <= number(state.get("end_time")), "CouponExpired", "auction " + auction + " ended");
		long price = dutchPrice(state, now);
		Coupons.fee(price, marketplace);
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, buyer);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		couponState.put("owner", buyer);
		in.save(coupon, "Coupon", couponState);
		state.put("is_active", false);
		state.put("is_finalized", true);
		state.put("current_bid", price);
		state.put("highest_bidder", buyer);
		in.save(auction, "CouponAuction", state);
		stats.increment("total_purchases").reputation(5).touchActivity().save();
		in.emit("AuctionFinalized", fields("auction", auction, "winner", buyer, "final_price", price, "auction_type",
				state.get("auction_type"), "finalized_at", now));
		return program.submit(in, shape, 38_000);
	}

	/**
	 * §10.4: once the auction has ended. Below the reserve (every sealed-bid auction, every unsold Dutch one) it is
	 * only marked finalized and AuctionCancelled says "Reserve price not met"; otherwise the highest bidder, who
	 * must be the {@code winner} passed, gets the coupon. The winner's UserStats must exist in both branches.
	 */
	LedgerTransaction finalizeAuction(String authority, String auction, String coupon, String seller, String winner,
			String marketplaceAuthority, Shape shape) {
		Invocation in = program.begin("finalize_auction", authority, Map.of());
		String marketplaceAddress = program.pdas().marketplace();
		in.account("auction", auction);
		in.account("coupon", coupon);
		in.account("marketplace", marketplaceAddress);
		in.account("escrow", program.pdas().auctionEscrow(auction));
		in.account("seller", seller);
		in.account("winner", winner);
		in.account("marketplace_authority", marketplaceAuthority);
		in.account("winner_stats", program.pdas().userStats(winner));
		in.account("authority", authority);
		Map<String, Object> state = program.load(in, auction, "CouponAuction");
		Map<String, Object> couponState = program.load(in, coupon, "Coupon");
		Map<String, Object> marketplace = program.load(in, marketplaceAddress, "Marketplace");
		UserStatsBook.Stats stats = userStats.existing(in, winner);
		long now = program.now();
		require(isTrue(state.get("is_active")) && !isTrue(state.get("is_finalized"))
				&& now > number(state.get("end_time")), "InvalidExpiry", "auction " + auction + " cannot end yet");
		require(key(state.get("coupon")).equals(coupon), "WrongCoupon", coupon + " is not the auctioned coupon");
		require(key(state.get("seller")).equals(seller), "NotListingSeller", seller + " is not the seller");
		require(key(marketplace.get("authority")).equals(marketplaceAuthority), "NotMarketplaceAuthority",
				marketplaceAuthority + " is not the marketplace authority");
		long current = number(state.get("current_bid"));
		if (current < number(state.get("reserve_price"))) {
			state.put("is_active", false);
			state.put("is_finalized", true);
			in.save(auction, "CouponAuction", state);
			in.emit("AuctionCancelled", fields("auction", auction, "reason", RESERVE_NOT_MET, "timestamp", now));
			return program.submit(in, shape, 22_000);
		}
		require(state.get("highest_bidder") != null, "InvalidInput", "auction " + auction + " has no bidder");
		String highest = key(state.get("highest_bidder"));
		require(highest.equals(winner), "NotCouponOwner", winner + " is not the highest bidder");
		Coupons.fee(current, marketplace);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		couponState.put("owner", highest);
		in.save(coupon, "Coupon", couponState);
		stats.increment("total_purchases").reputation(5).touchActivity().save();
		state.put("is_active", false);
		state.put("is_finalized", true);
		in.save(auction, "CouponAuction", state);
		in.emit("AuctionFinalized", fields("auction", auction, "winner", highest, "final_price", current,
				"auction_type", state.get("auction_type"), "finalized_at", now));
		return program.submit(in, shape, 41_000);
	}

	/** §10.5: closes the auction; only possible while active and without bids. */
	LedgerTransaction cancelAuction(String seller, String auction, Shape shape) {
		Invocation in = program.begin("cancel_auction", seller, Map.of());
		in.account("auction", auction);
		in.account("seller", seller);
		Map<String, Object> state = program.load(in, auction, "CouponAuction");
		require(isTrue(state.get("is_active")), "ListingInactive", "auction " + auction + " is inactive");
		require(number(state.get("bid_count")) == 0, "InvalidInput", "auction " + auction + " has bids");
		require(key(state.get("seller")).equals(seller), "NotListingSeller", seller + " is not the seller");
		in.close(auction);
		in.emit("AuctionCancelled", fields("auction", auction, "reason", CANCELLED_BY_SELLER, "timestamp",
				program.now()));
		return program.submit(in, shape, 9_000);
	}

	/**
	 * Dutch price(t): starting_price until the start, reserve_price from the end, and in between
	 * starting − floor((starting − reserve) × (t − start) / (end − start)).
	 */
	static long dutchPrice(Map<String, Object> auction, long at) {
		long start = number(auction.get("start_time"));
		long end = number(auction.get("end_time"));
		long starting = number(auction.get("starting_price"));
		long reserve = number(auction.get("reserve_price"));
		if (at <= start) {
			return starting;
		}
		if (at >= end) {
			return reserve;
		}
		return starting - Values.divU64(Values.mulU64(starting - reserve, at - start), end - start);
	}

	static String type(Map<String, Object> auction) {
		return ((EnumValue) auction.get("auction_type")).variant();
	}
}
