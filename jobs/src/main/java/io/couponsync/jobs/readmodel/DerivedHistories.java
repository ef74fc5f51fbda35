package io.couponsync.jobs.readmodel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;

/**
 * Read-model values that depend on a whole sequence of events, recomputed from the log for the keys a chunk
 * touched: a coupon's ownership history — transfers, listing sales and auction sales, in chain order.
 */
public final class DerivedHistories {

	private static final List<String> OWNERSHIP_CHANGES = List.of("CouponTransferred", "CouponSold",
			"AuctionFinalized");

	public ReadModelChanges recompute(ChainEventLog log, Map<String, Set<String>> touched) {
		ReadModelChanges changes = new ReadModelChanges();
		Set<String> coupons = touched.get(Projections.COUPON_TRANSFERS);
		if (coupons != null && !coupons.isEmpty()) {
			transfers(log, coupons, changes);
		}
		return changes;
	}

	private static void transfers(ChainEventLog log, Set<String> coupons, ReadModelChanges changes) {
		Map<String, BsonArray> history = new HashMap<>();
		coupons.forEach(coupon -> history.put(coupon, new BsonArray()));
		for (Document event : log.couponHistory(OWNERSHIP_CHANGES, coupons)) {
			Document data = event.get("data", Document.class);
			Document refs = event.get("refs", new Document());
			BsonDocument entry = switch (event.getString("name")) {
				case "CouponSold" -> entry("sale", data.getString("seller"), data.getString("buyer"))
					.append("price", long64(data.get("price")));
				case "AuctionFinalized" -> entry("auction", refs.getString("seller"), data.getString("winner"))
					.append("price", long64(data.get("finalPrice")));
				default -> entry("transfer", data.getString("from"), data.getString("to"));
			};
			entry.append("slot", new BsonInt64(((Number) event.get("slot")).longValue()))
				.append("signature", new BsonString(event.getString("signature")));
			String coupon = data.getString("coupon") != null ? data.getString("coupon") : refs.getString("coupon");
			history.get(coupon).add(entry);
		}
		history.forEach((coupon, entries) -> changes.set(Projections.COUPONS, coupon, "transfers", entries,
				new ChangeVersion(0, 0, "", 0)));
	}

	private static BsonDocument entry(String kind, String from, String to) {
		return new BsonDocument("kind", new BsonString(kind)).append("from", new BsonString(from))
			.append("to", new BsonString(to));
	}

	private static BsonValue long64(Object value) {
		return new BsonInt64(((Number) value).longValue());
	}
}
