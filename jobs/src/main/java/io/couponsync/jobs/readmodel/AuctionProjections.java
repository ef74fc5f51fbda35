package io.couponsync.jobs.readmodel;

import java.util.List;
import java.util.Map;

import org.bson.BsonInt64;

/** Auctions and bids, per auction type as the program treats them. */
final class AuctionProjections {

	static final String ENGLISH = "English";

	/** AuctionCancelled's reason when cancel_auction closed the account (the other reason keeps it, finalized). */
	static final String CANCELLED_BY_SELLER = "Cancelled by seller";

	/** Every auction's extension_seconds: create_auction writes the constant. */
	private static final BsonInt64 EXTENSION_SECONDS = new BsonInt64(300);

	void register(Map<String, EventProjection> projections, List<EventReference> references) {
		projections.put("AuctionCreated", (event, context) -> {
			String auction = event.text("auction");
			context.copy(Projections.AUCTIONS, auction, "coupon", "seller", "auctionType", "startingPrice",
					"reservePrice", "endTime");
			context.set(Projections.AUCTIONS, auction, "isActive", true);
			context.set(Projections.AUCTIONS, auction, "isFinalized", false);
			// why: the event carries the end time but not the duration, so the start is the block time
			Projections.setNow(context, Projections.AUCTIONS, auction, "startTime", event);
			context.set(Projections.AUCTIONS, auction, "bidCount", Projections.ZERO_32);
			// why: an English auction's current bid starts at the starting price; Dutch and sealed-bid ones at 0
			context.set(Projections.AUCTIONS, auction, "currentBid",
					english(event.text("auctionType")) ? event.data().get("startingPrice") : Projections.ZERO);
			context.set(Projections.AUCTIONS, auction, "highestBidder", Projections.NULL);
			context.set(Projections.AUCTIONS, auction, "extensionSeconds", EXTENSION_SECONDS);
			// why: the address can be created again after a seller's cancellation closed it
			context.set(Projections.AUCTIONS, auction, "cancelReason", Projections.NULL);
			Projections.userStats(context, event.text("seller"), event);
		});
		references.add(EventReference.required("BidPlaced", "auctionType", "auction", "AuctionCreated",
				"auctionType"));
		projections.put("BidPlaced", (event, context) -> {
			String auction = event.text("auction");
			String bidder = event.text("bidder");
			long bidCount = event.data().getNumber("bidCount").longValue();
			boolean english = english(event.ref("auctionType").asString().getValue());
			String bid = context.pdas().derive("bid", Map.of("auction", PdaResolver.key(auction), "bidder",
					PdaResolver.key(bidder), "auction.bid_count", PdaResolver.u32(bidCount - 1)));
			context.copy(Projections.BIDS, bid, "auction", "bidder", "amount");
			context.set(Projections.BIDS, bid, "bidIndex", new BsonInt64(bidCount - 1));
			// why: fixed when the bid is placed and never changed, outbid or not; the refund flag is never set
			context.set(Projections.BIDS, bid, "isWinning", english);
			context.set(Projections.BIDS, bid, "isRefunded", false);
			Projections.setNow(context, Projections.BIDS, bid, "timestamp", event);
			if (english) {
				context.set(Projections.AUCTIONS, auction, "currentBid", event.data().get("amount"));
				context.set(Projections.AUCTIONS, auction, "highestBidder", event.data().get("bidder"));
			}
			context.set(Projections.AUCTIONS, auction, "bidCount", event.data().get("bidCount"));
			context.set(Projections.AUCTIONS, auction, "endTime", event.data().get("newEndTime"));
			Projections.userStats(context, bidder, event);
		});
		// why: the event names the auction, not its coupon (whose owner changes) nor the seller it came from
		references.add(EventReference.required("AuctionFinalized", "coupon", "auction", "AuctionCreated", "coupon"));
		references.add(EventReference.required("AuctionFinalized", "seller", "auction", "AuctionCreated", "seller"));
		projections.put("AuctionFinalized", (event, context) -> {
			String auction = event.text("auction");
			String coupon = event.ref("coupon").asString().getValue();
			context.set(Projections.AUCTIONS, auction, "isActive", false);
			context.set(Projections.AUCTIONS, auction, "isFinalized", true);
			context.copy(Projections.AUCTIONS, auction, "winner", "finalPrice", "finalizedAt");
			context.set(Projections.AUCTIONS, auction, "currentBid", event.data().get("finalPrice"));
			context.set(Projections.AUCTIONS, auction, "highestBidder", event.data().get("winner"));
			context.set(Projections.COUPONS, coupon, "owner", event.data().get("winner"));
			context.touch(Projections.COUPON_TRANSFERS, coupon);
			Projections.userStats(context, event.text("winner"), event);
		});
		projections.put("AuctionCancelled", (event, context) -> {
			String auction = event.text("auction");
			context.set(Projections.AUCTIONS, auction, "cancelReason", event.data().get("reason"));
			if (CANCELLED_BY_SELLER.equals(event.text("reason"))) {
				// why: cancel_auction closes the account and writes nothing else; the document keeps its last state
				context.closed(Projections.AUCTIONS, auction, event.data().getNumber("timestamp").longValue());
			}
			else {
				// why: "Reserve price not met" — finalize_auction keeps the account, finalized
				context.set(Projections.AUCTIONS, auction, "isActive", false);
				context.set(Projections.AUCTIONS, auction, "isFinalized", true);
			}
		});
	}

	private static boolean english(String auctionType) {
		return ENGLISH.equals(auctionType);
	}
}
