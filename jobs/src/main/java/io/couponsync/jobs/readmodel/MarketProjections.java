package io.couponsync.jobs.readmodel;

import java.util.Map;

/** The marketplace, merchants, promotions, merchant ratings and external deals. */
final class MarketProjections {

	private final String marketplace;

	MarketProjections(String marketplace) {
		this.marketplace = marketplace;
	}

	void register(Map<String, EventProjection> projections) {
		projections.put("MarketplaceInitialized", (event, context) -> {
			context.copy(Projections.MARKETPLACE, marketplace, "authority", "feeBasisPoints");
			context.set(Projections.MARKETPLACE, marketplace, "initializedAt", event.data().get("timestamp"));
			context.touch("marketplace.totalCoupons", "");
			context.touch("marketplace.totalMerchants", "");
		});
		projections.put("MerchantRegistered", (event, context) -> {
			String merchant = event.text("merchant");
			context.copy(Projections.MERCHANTS, merchant, "authority", "name", "category");
			context.set(Projections.MERCHANTS, merchant, "createdAt", event.data().get("timestamp"));
			context.set(Projections.MERCHANTS, merchant, "isActive", true);
			context.touch("marketplace.totalMerchants", "");
			context.touch("merchants.totalCouponsCreated", merchant);
			context.touch("merchants.totalCouponsRedeemed", merchant);
		});
		projections.put("PromotionCreated", (event, context) -> {
			String promotion = event.text("promotion");
			context.copy(Projections.PROMOTIONS, promotion, "merchant", "discountPercentage", "maxSupply",
					"expiryTimestamp", "price");
			context.set(Projections.PROMOTIONS, promotion, "isActive", true);
			context.touch("promotions.currentSupply", promotion);
			context.touch("merchants.totalCouponsCreated", event.text("merchant"));
		});
		projections.put("MerchantRated", (event, context) -> {
			String key = event.text("merchant") + ":" + event.text("rater");
			context.copy(Projections.MERCHANT_RATINGS, key, "merchant", "rater", "rating", "review");
			context.set(Projections.MERCHANT_RATINGS, key, "ratedAt", event.data().get("timestamp"));
		});
		projections.put("ExternalDealUpdated", (event, context) -> {
			String deal = event.text("deal");
			context.copy(Projections.EXTERNAL_DEALS, deal, "source", "externalId");
			context.set(Projections.EXTERNAL_DEALS, deal, "discountedPrice", event.data().get("price"));
			context.set(Projections.EXTERNAL_DEALS, deal, "isVerified", event.data().get("verified"));
		});
	}
}
