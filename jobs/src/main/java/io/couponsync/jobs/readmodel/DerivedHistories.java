package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * A coupon's ownership history — transfers, listing sales and auction sales, in chain order — kept in its
 * document as {@code transfers}. A chunk merges its own entries into the stored array (one entry per event, so
 * merging again changes nothing, and an event applied again in block order replaces its entry): its cost does not grow with history. Fork undo recomputes the coupons it touched
 * from the log.
 */
public final class DerivedHistories {

	private static final List<String> OWNERSHIP_CHANGES = List.of("CouponTransferred", "CouponSold",
			"AuctionFinalized");

	private static final String FIELD = "transfers";

	/** An entry's place in chain order (the event's change version), so merged entries sort as the chain did. */
	private static final String ORDER = "order";

	/** The coupon an ownership event is about, or null for other events. */
	static String coupon(ChainEvent event) {
		if (!OWNERSHIP_CHANGES.contains(event.name())) {
			return null;
		}
		BsonValue coupon = event.data().containsKey("coupon") ? event.data().get("coupon") : event.ref("coupon");
		return coupon == null ? null : coupon.asString().getValue();
	}

	/** The history entry of an ownership event. */
	static BsonDocument entry(ChainEvent event) {
		BsonDocument data = event.data();
		BsonDocument entry = switch (event.name()) {
			case "CouponSold" -> entry("sale", data.get("seller"), data.get("buyer")).append("price", data.get("price"));
			case "AuctionFinalized" -> entry("auction", event.ref("seller"), data.get("winner"))
				.append("price", data.get("finalPrice"));
			default -> entry("transfer", data.get("from"), data.get("to"));
		};
		return entry.append("slot", new BsonInt64(event.version().slot()))
			.append("signature", new BsonString(event.signature()))
			.append(ORDER, new BsonString(event.version().key()));
	}

	private static BsonDocument entry(String kind, BsonValue from, BsonValue to) {
		return new BsonDocument("kind", new BsonString(kind)).append("from", from).append("to", to);
	}

	/**
	 * The histories of the touched coupons with this chunk's events merged into what their documents hold (one read
	 * of the coupons); an entry already there is not added twice.
	 */
	public ReadModelChanges merge(ReadModelStore store, Collection<String> touched, List<ChainEvent> events) {
		ReadModelChanges changes = new ReadModelChanges();
		if (touched.isEmpty()) {
			return changes;
		}
		Map<String, List<BsonDocument>> added = new LinkedHashMap<>();
		for (ChainEvent event : events) {
			String coupon = coupon(event);
			if (coupon != null && touched.contains(coupon)) {
				added.computeIfAbsent(coupon, c -> new ArrayList<>()).add(entry(event));
			}
		}
		Map<String, BsonDocument> stored = store.read(Projections.COUPONS, touched);
		for (String coupon : touched) {
			BsonDocument document = stored.get(coupon);
			BsonArray history = document == null ? new BsonArray()
					: document.getArray(FIELD, new BsonArray()).clone();
			List<BsonDocument> entries = added.getOrDefault(coupon, List.of());
			if (!entries.isEmpty() || document == null || !document.containsKey(FIELD)) {
				changes.set(Projections.COUPONS, coupon, FIELD, merged(history, entries), new ChangeVersion(0, 0, "", 0));
			}
		}
		return changes;
	}

	/**
	 * The stored entries with the chunk's replacing those of the same event. why: by event, not by order — an
	 * event applied again once its block position is known has a new order, and must replace its first entry.
	 */
	private static BsonArray merged(BsonArray history, List<BsonDocument> entries) {
		Map<String, BsonDocument> byEvent = new LinkedHashMap<>();
		history.forEach(value -> byEvent.put(eventOf(value.asDocument()), value.asDocument()));
		entries.forEach(entry -> byEvent.put(eventOf(entry), entry));
		List<BsonDocument> sorted = new ArrayList<>(byEvent.values());
		sorted.sort(Comparator.comparing(entry -> entry.containsKey(ORDER) ? entry.getString(ORDER).getValue() : ""));
		return new BsonArray(sorted);
	}

	/** The event an entry records: its signature and index, read from its order (or its signature alone). */
	private static String eventOf(BsonDocument entry) {
		ChangeVersion order = entry.containsKey(ORDER) ? ChangeVersion.parse(entry.getString(ORDER).getValue()) : null;
		return order == null ? entry.getString("signature").getValue()
				: order.signature() + ":" + order.eventIndex();
	}

	/** The touched coupons' histories recomputed from the log (fork undo: events left the log). */
	public ReadModelChanges recompute(ChainEventLog log, Map<String, Set<String>> touched) {
		ReadModelChanges changes = new ReadModelChanges();
		Set<String> coupons = touched.get(Projections.COUPON_TRANSFERS);
		if (coupons == null || coupons.isEmpty()) {
			return changes;
		}
		Map<String, BsonArray> histories = new LinkedHashMap<>();
		coupons.forEach(coupon -> histories.put(coupon, new BsonArray()));
		for (ChainEvent event : log.couponHistory(OWNERSHIP_CHANGES, coupons)) {
			String coupon = coupon(event);
			if (coupon != null && histories.containsKey(coupon)) {
				histories.get(coupon).add(entry(event));
			}
		}
		histories.forEach((coupon, history) -> changes.set(Projections.COUPONS, coupon, FIELD, history,
				new ChangeVersion(0, 0, "", 0)));
		return changes;
	}
}
