package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;

/**
 * Read-model values that depend on a whole sequence of events, recomputed from the log for the keys a chunk
 * touched: a coupon's transfer history (transfers and sales, in chain order) and which bid of an auction is the
 * winning one (the latest; every earlier one is outbid and refunded).
 */
public final class DerivedHistories {

	private final PdaResolver pdas;

	public DerivedHistories(PdaResolver pdas) {
		this.pdas = pdas;
	}

	public ReadModelChanges recompute(ChainEventLog log, Map<String, Set<String>> touched) {
		ReadModelChanges changes = new ReadModelChanges();
		Set<String> coupons = touched.get(Projections.COUPON_TRANSFERS);
		if (coupons != null && !coupons.isEmpty()) {
			transfers(log, coupons, changes);
		}
		Set<String> auctions = touched.get(Projections.AUCTION_BIDS);
		if (auctions != null && !auctions.isEmpty()) {
			bids(log, auctions, changes);
		}
		return changes;
	}

	private static void transfers(ChainEventLog log, Set<String> coupons, ReadModelChanges changes) {
		Map<String, BsonArray> history = new HashMap<>();
		coupons.forEach(coupon -> history.put(coupon, new BsonArray()));
		for (Document event : log.history(List.of("CouponTransferred", "CouponSold"), "coupon", coupons)) {
			Document data = event.get("data", Document.class);
			boolean sale = "CouponSold".equals(event.getString("name"));
			BsonDocument entry = new BsonDocument("kind", new BsonString(sale ? "sale" : "transfer"))
				.append("from", new BsonString(data.getString(sale ? "seller" : "from")))
				.append("to", new BsonString(data.getString(sale ? "buyer" : "to")))
				.append("slot", new BsonInt64(((Number) event.get("slot")).longValue()))
				.append("signature", new BsonString(event.getString("signature")));
			if (sale) {
				entry.append("price", new BsonInt64(((Number) data.get("price")).longValue()));
			}
			history.get(data.getString("coupon")).add(entry);
		}
		history.forEach((coupon, entries) -> changes.set(Projections.COUPONS, coupon, "transfers", entries,
				new ChangeVersion(0, 0, "", 0)));
	}

	private void bids(ChainEventLog log, Set<String> auctions, ReadModelChanges changes) {
		Map<String, List<Document>> byAuction = new HashMap<>();
		for (Document event : log.history(List.of("BidPlaced"), "auction", auctions)) {
			Document data = event.get("data", Document.class);
			byAuction.computeIfAbsent(data.getString("auction"), a -> new ArrayList<>()).add(data);
		}
		byAuction.forEach((auction, bids) -> {
			for (int i = 0; i < bids.size(); i++) {
				Document data = bids.get(i);
				long index = ((Number) data.get("bidCount")).longValue() - 1;
				String bid = pdas.derive("bid", Map.of("auction", PdaResolver.key(auction), "bidder",
						PdaResolver.key(data.getString("bidder")), "auction.bid_count", PdaResolver.u32(index)));
				boolean latest = i == bids.size() - 1;
				changes.set(Projections.BIDS, bid, "isWinning", BsonBoolean.valueOf(latest),
						new ChangeVersion(0, 0, "", 0));
				changes.set(Projections.BIDS, bid, "isRefunded", BsonBoolean.valueOf(!latest),
						new ChangeVersion(0, 0, "", 0));
			}
		});
	}
}
