package io.couponsync.jobs.readmodel;

import java.util.Map;

/** Coupons (ownership, redemption, transfer history) and their listings. */
final class CouponProjections {

	void register(Map<String, EventProjection> projections) {
		projections.put("CouponMinted", (event, context) -> {
			String coupon = event.text("coupon");
			context.copy(Projections.COUPONS, coupon, "promotion", "merchant", "discountPercentage");
			context.set(Projections.COUPONS, coupon, "mint", event.data().get("nftMint"));
			context.set(Projections.COUPONS, coupon, "owner", event.data().get("recipient"));
			context.set(Projections.COUPONS, coupon, "isRedeemed", false);
			context.touch("promotions.currentSupply", event.text("promotion"));
			context.touch("marketplace.totalCoupons", "");
			context.touch("merchants.totalCouponsCreated", event.text("merchant"));
			context.touch(Projections.COUPON_TRANSFERS, coupon);
			Projections.userStats(context, event.text("recipient"));
		});
		projections.put("CouponTransferred", (event, context) -> {
			String coupon = event.text("coupon");
			context.set(Projections.COUPONS, coupon, "owner", event.data().get("to"));
			context.touch(Projections.COUPON_TRANSFERS, coupon);
		});
		projections.put("CouponRedeemed", (event, context) -> {
			String coupon = event.text("coupon");
			context.set(Projections.COUPONS, coupon, "isRedeemed", true);
			context.set(Projections.COUPONS, coupon, "redeemedAt", event.data().get("timestamp"));
			context.set(Projections.COUPONS, coupon, "redemptionCode", event.data().get("redemptionCode"));
			context.touch("merchants.totalCouponsRedeemed", event.text("merchant"));
			Projections.userStats(context, event.text("user"));
			context.touch("userStats.totalRedemptions", event.text("user"));
		});
		projections.put("CouponListed", (event, context) -> {
			String listing = event.text("listing");
			context.copy(Projections.LISTINGS, listing, "coupon", "nftMint", "seller", "price");
			context.set(Projections.LISTINGS, listing, "isActive", true);
			context.set(Projections.LISTINGS, listing, "buyer", Projections.NULL);
			context.set(Projections.LISTINGS, listing, "soldPrice", Projections.NULL);
			Projections.userStats(context, event.text("seller"));
			context.touch("userStats.totalListings", event.text("seller"));
		});
		projections.put("CouponSold", (event, context) -> {
			String listing = event.text("listing");
			context.set(Projections.LISTINGS, listing, "isActive", false);
			context.set(Projections.LISTINGS, listing, "buyer", event.data().get("buyer"));
			context.set(Projections.LISTINGS, listing, "soldPrice", event.data().get("price"));
			context.set(Projections.LISTINGS, listing, "marketplaceFee", event.data().get("marketplaceFee"));
			context.set(Projections.COUPONS, event.text("coupon"), "owner", event.data().get("buyer"));
			context.touch(Projections.COUPON_TRANSFERS, event.text("coupon"));
		});
		projections.put("ListingCancelled", (event, context) -> context.set(Projections.LISTINGS,
				event.text("listing"), "isActive", false));
	}
}
