package io.couponsync.jobs.readmodel;

import java.util.Map;

/** Group deals and their participants. */
final class GroupDealProjections {

	void register(Map<String, EventProjection> projections) {
		projections.put("GroupDealCreated", (event, context) -> {
			String deal = event.text("groupDeal");
			context.copy(Projections.GROUP_DEALS, deal, "promotion", "merchant", "organizer", "targetParticipants",
					"basePrice", "deadline");
			context.set(Projections.GROUP_DEALS, deal, "isActive", true);
			context.set(Projections.GROUP_DEALS, deal, "isFinalized", false);
			context.set(Projections.GROUP_DEALS, deal, "currentParticipants", Projections.ZERO);
			context.touch("groupDeals.totalEscrowed", deal);
		});
		projections.put("GroupDealJoined", (event, context) -> {
			String deal = event.text("groupDeal");
			String user = event.text("user");
			String participant = participant(context, deal, user);
			context.copy(Projections.GROUP_PARTICIPANTS, participant, "groupDeal", "user", "amountEscrowed");
			context.set(Projections.GROUP_PARTICIPANTS, participant, "isRefunded", false);
			context.set(Projections.GROUP_DEALS, deal, "currentParticipants", event.data().get("participantsCount"));
			context.set(Projections.GROUP_DEALS, deal, "currentDiscount", event.data().get("currentDiscount"));
			context.touch("groupDeals.totalEscrowed", deal);
			Projections.userStats(context, user);
			context.touch("userStats.totalPurchases", user);
		});
		projections.put("GroupDealFinalized", (event, context) -> {
			String deal = event.text("groupDeal");
			context.set(Projections.GROUP_DEALS, deal, "isActive", false);
			context.set(Projections.GROUP_DEALS, deal, "isFinalized", true);
			context.set(Projections.GROUP_DEALS, deal, "currentParticipants", event.data().get("participantsCount"));
			context.copy(Projections.GROUP_DEALS, deal, "finalDiscount", "totalRevenue", "finalizedAt");
		});
		projections.put("GroupDealRefunded", (event, context) -> {
			String deal = event.text("groupDeal");
			String participant = participant(context, deal, event.text("user"));
			context.set(Projections.GROUP_PARTICIPANTS, participant, "isRefunded", true);
			context.touch("groupDeals.totalEscrowed", deal);
		});
	}

	private static String participant(ProjectionContext context, String deal, String user) {
		return context.pdas().derive("participant",
				Map.of("group_deal", PdaResolver.key(deal), "user", PdaResolver.key(user)));
	}
}
