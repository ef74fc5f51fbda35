package io.couponsync.jobs.readmodel;

import java.util.Map;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;

/** The marketplace, merchants, promotions and external deals. */
final class MarketProjections {

	/** A promotion's location: create_promotion writes it all zero (it is not copied from the merchant). */
	private static final BsonDocument NO_LOCATION = new BsonDocument("latitude", new BsonInt32(0))
		.append("longitude", new BsonInt32(0)).append("regionCode", new BsonInt32(0))
		.append("countryCode", new BsonInt32(0)).append("cityHash", new BsonInt64(0));

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
			context.set(Projections.PROMOTIONS, promotion, "location", NO_LOCATION);
			context.set(Projections.PROMOTIONS, promotion, "geoCellId", Projections.ZERO);
			context.set(Projections.PROMOTIONS, promotion, "radiusMeters", Projections.ZERO_32);
			context.set(Projections.PROMOTIONS, promotion, "isLocationBased", false);
			Projections.setNow(context, Projections.PROMOTIONS, promotion, "createdAt", event);
			context.touch("promotions.currentSupply", promotion);
			// why: the merchant's totalCouponsCreated is only the promotion's seed; creating one does not raise it
		});
		projections.put("ExternalDealUpdated", (event, context) -> {
			String deal = event.text("deal");
			context.copy(Projections.EXTERNAL_DEALS, deal, "source", "externalId");
			context.set(Projections.EXTERNAL_DEALS, deal, "discountedPrice", event.data().get("price"));
			context.set(Projections.EXTERNAL_DEALS, deal, "isVerified", event.data().get("verified"));
			Projections.setNow(context, Projections.EXTERNAL_DEALS, deal, "lastUpdated", event);
			context.touch("externalDeals.verificationCount", deal);
		});
	}
}
