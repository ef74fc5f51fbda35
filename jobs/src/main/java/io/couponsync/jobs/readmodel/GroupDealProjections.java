package io.couponsync.jobs.readmodel;

import java.util.List;
import java.util.Map;

import org.bson.BsonString;

/** Group deals and their participants. */
final class GroupDealProjections {

	void register(Map<String, EventProjection> projections, List<EventReference> references) {
		projections.put("GroupDealCreated", (event, context) -> {
			String deal = event.text("groupDeal");
			context.copy(Projections.GROUP_DEALS, deal, "promotion", "merchant", "organizer", "targetParticipants",
					"basePrice", "deadline");
			// why: no instruction ever sets isActive false, finalization included
			context.set(Projections.GROUP_DEALS, deal, "isActive", true);
			context.set(Projections.GROUP_DEALS, deal, "isFinalized", false);
			context.set(Projections.GROUP_DEALS, deal, "finalizedAt", Projections.ZERO);
			Projections.setNow(context, Projections.GROUP_DEALS, deal, "createdAt", event);
			context.set(Projections.GROUP_DEALS, deal, "escrowVault", new BsonString(context.pdas()
				.derive("escrow_vault", Map.of("group_deal", PdaResolver.key(deal)))));
			context.touch("groupDeals.currentParticipants", deal);
			context.touch("groupDeals.totalEscrowed", deal);
		});
		projections.put("GroupDealJoined", (event, context) -> {
			String deal = event.text("groupDeal");
			String user = event.text("user");
			String participant = participant(context, deal, user);
			context.copy(Projections.GROUP_PARTICIPANTS, participant, "groupDeal", "user", "amountEscrowed");
			context.set(Projections.GROUP_PARTICIPANTS, participant, "isRefunded", false);
			Projections.setNow(context, Projections.GROUP_PARTICIPANTS, participant, "joinedAt", event);
			context.set(Projections.GROUP_DEALS, deal, "currentDiscount", event.data().get("currentDiscount"));
			context.touch("groupDeals.currentParticipants", deal);
			context.touch("groupDeals.totalEscrowed", deal);
			// why: joining raises reputation only; total_purchases is not counted
			Projections.userStats(context, user, event);
		});
		// why: the event names neither the promotion nor the merchant whose counters finalization raises
		references.add(EventReference.required("GroupDealFinalized", "promotion", "groupDeal", "GroupDealCreated",
				"promotion"));
		references.add(EventReference.required("GroupDealFinalized", "merchant", "groupDeal", "GroupDealCreated",
				"merchant"));
		projections.put("GroupDealFinalized", (event, context) -> {
			String deal = event.text("groupDeal");
			context.set(Projections.GROUP_DEALS, deal, "isFinalized", true);
			context.copy(Projections.GROUP_DEALS, deal, "finalizedAt", "finalDiscount", "totalRevenue");
			context.touch("promotions.currentSupply", event.ref("promotion").asString().getValue());
			context.touch("merchants.totalCouponsCreated", event.ref("merchant").asString().getValue());
		});
		projections.put("GroupDealRefunded", (event, context) -> context.set(Projections.GROUP_PARTICIPANTS,
				participant(context, event.text("groupDeal"), event.text("user")), "isRefunded", true));
	}

	private static String participant(ProjectionContext context, String deal, String user) {
		return context.pdas().derive("participant",
				Map.of("group_deal", PdaResolver.key(deal), "user", PdaResolver.key(user)));
	}
}
