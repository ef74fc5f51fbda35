package io.couponsync.jobs.readmodel;

import java.util.Map;

/** Redemption tickets, and the coupon redemption they complete. */
final class RedemptionProjections {

	void register(Map<String, EventProjection> projections) {
		projections.put("TicketGenerated", (event, context) -> {
			String ticket = event.text("ticket");
			context.copy(Projections.REDEMPTION_TICKETS, ticket, "coupon", "user", "merchant", "ticketHash",
					"expiresAt", "nonce");
			context.set(Projections.REDEMPTION_TICKETS, ticket, "isConsumed", false);
		});
		projections.put("TicketRedeemed", (event, context) -> {
			String ticket = event.text("ticket");
			context.set(Projections.REDEMPTION_TICKETS, ticket, "isConsumed", true);
			context.set(Projections.REDEMPTION_TICKETS, ticket, "redeemedAt", event.data().get("redeemedAt"));
			String coupon = event.text("coupon");
			context.set(Projections.COUPONS, coupon, "isRedeemed", true);
			context.set(Projections.COUPONS, coupon, "redeemedAt", event.data().get("redeemedAt"));
			context.touch("merchants.totalCouponsRedeemed", event.text("merchant"));
			Projections.userStats(context, event.text("user"));
			context.touch("userStats.totalRedemptions", event.text("user"));
		});
	}
}
