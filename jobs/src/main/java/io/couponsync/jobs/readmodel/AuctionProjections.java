package io.couponsync.jobs.readmodel;

import java.util.Map;

import org.bson.BsonInt64;

/** Auctions and bids. */
final class AuctionProjections {

	void register(Map<String, EventProjection> projections) {
		projections.put("AuctionCreated", (event, context) -> {
			String auction = event.text("auction");
			context.copy(Projections.AUCTIONS, auction, "coupon", "seller", "auctionType", "startingPrice",
					"reservePrice", "endTime");
			context.set(Projections.AUCTIONS, auction, "isActive", true);
			context.set(Projections.AUCTIONS, auction, "isFinalized", false);
			context.set(Projections.AUCTIONS, auction, "bidCount", Projections.ZERO);
			context.set(Projections.AUCTIONS, auction, "currentBid", Projections.ZERO);
			context.set(Projections.AUCTIONS, auction, "highestBidder", Projections.NULL);
			Projections.userStats(context, event.text("seller"));
			context.touch("userStats.totalListings", event.text("seller"));
		});
		projections.put("BidPlaced", (event, context) -> {
			String auction = event.text("auction");
			String bidder = event.text("bidder");
			long bidCount = event.data().getNumber("bidCount").longValue();
			String bid = context.pdas().derive("bid", Map.of("auction", PdaResolver.key(auction), "bidder",
					PdaResolver.key(bidder), "auction.bid_count", PdaResolver.u32(bidCount - 1)));
			context.copy(Projections.BIDS, bid, "auction", "bidder", "amount");
			context.set(Projections.BIDS, bid, "bidIndex", new BsonInt64(bidCount - 1));
			context.set(Projections.AUCTIONS, auction, "currentBid", event.data().get("amount"));
			context.set(Projections.AUCTIONS, auction, "highestBidder", event.data().get("bidder"));
			context.set(Projections.AUCTIONS, auction, "bidCount", event.data().get("bidCount"));
			context.set(Projections.AUCTIONS, auction, "endTime", event.data().get("newEndTime"));
			context.touch(Projections.AUCTION_BIDS, auction);
			Projections.userStats(context, bidder);
		});
		projections.put("AuctionFinalized", (event, context) -> {
			String auction = event.text("auction");
			String winner = event.text("winner");
			context.set(Projections.AUCTIONS, auction, "isActive", false);
			context.set(Projections.AUCTIONS, auction, "isFinalized", true);
			context.copy(Projections.AUCTIONS, auction, "winner", "finalPrice", "finalizedAt");
			context.set(Projections.AUCTIONS, auction, "currentBid", event.data().get("finalPrice"));
			context.set(Projections.AUCTIONS, auction, "highestBidder", event.data().get("winner"));
			// why: the event names the auction, not its coupon; the auction's creation event does
			ChainEvent finalized = event;
			context.lookup("AuctionCreated", "auction", auction, "coupon", coupon -> {
				context.start(finalized);
				context.set(Projections.COUPONS, coupon, "owner", finalized.data().get("winner"));
			});
			Projections.userStats(context, winner);
			context.touch("userStats.totalPurchases", winner);
		});
		projections.put("AuctionCancelled", (event, context) -> {
			String auction = event.text("auction");
			context.set(Projections.AUCTIONS, auction, "isActive", false);
			context.set(Projections.AUCTIONS, auction, "cancelReason", event.data().get("reason"));
		});
	}
}
