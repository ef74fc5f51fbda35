package io.couponsync.jobs.readmodel;

import java.util.Map;

import org.bson.BsonInt64;

/** Redemption tickets, and the coupon redemption they complete. */
final class RedemptionProjections {

	/** A ticket is valid this many seconds from its creation. */
	private static final long TICKET_LIFETIME = 300;

	void register(Map<String, EventProjection> projections) {
		projections.put("TicketGenerated", (event, context) -> {
			String ticket = event.text("ticket");
			context.copy(Projections.REDEMPTION_TICKETS, ticket, "coupon", "user", "merchant", "ticketHash",
					"expiresAt", "nonce");
			context.set(Projections.REDEMPTION_TICKETS, ticket, "isConsumed", false);
			context.set(Projections.REDEMPTION_TICKETS, ticket, "createdAt",
					new BsonInt64(event.data().getNumber("expiresAt").longValue() - TICKET_LIFETIME));
		});
		// why: the CouponRedeemed that follows in the same transaction counts the redemption; counting this one too
		// would count it twice
		projections.put("TicketRedeemed", (event, context) -> {
			String ticket = event.text("ticket");
			context.set(Projections.REDEMPTION_TICKETS, ticket, "isConsumed", true);
			context.set(Projections.REDEMPTION_TICKETS, ticket, "redeemedAt", event.data().get("redeemedAt"));
			String coupon = event.text("coupon");
			context.set(Projections.COUPONS, coupon, "isRedeemed", true);
			context.set(Projections.COUPONS, coupon, "redeemedAt", event.data().get("redeemedAt"));
			Projections.userStats(context, event.text("user"), event);
		});
	}
}
