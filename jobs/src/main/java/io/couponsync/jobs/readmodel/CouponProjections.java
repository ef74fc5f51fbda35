package io.couponsync.jobs.readmodel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.bson.BsonDecimal128;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/** Coupons (ownership, redemption, transfer history) and their listings. */
final class CouponProjections {

	/** What mint_coupon writes into every coupon's metadata_uri. */
	static final String METADATA_URI = "https://example.com/metadata.json";

	/** redeem_coupon's redemption code: this prefix, then the coupon's id (a ticket redemption's says TICKET-). */
	private static final String REDEEMED_PREFIX = "REDEEMED-";

	void register(Map<String, EventProjection> projections, List<EventReference> references) {
		references.add(EventReference.optional("CouponMinted", "expiryTimestamp", "promotion", "PromotionCreated",
				"expiryTimestamp"));
		projections.put("CouponMinted", (event, context) -> {
			String coupon = event.text("coupon");
			context.copy(Projections.COUPONS, coupon, "promotion", "merchant", "discountPercentage");
			context.set(Projections.COUPONS, coupon, "mint", event.data().get("nftMint"));
			context.set(Projections.COUPONS, coupon, "owner", event.data().get("recipient"));
			context.set(Projections.COUPONS, coupon, "isRedeemed", false);
			context.set(Projections.COUPONS, coupon, "redeemedAt", Projections.ZERO);
			context.set(Projections.COUPONS, coupon, "metadataUri", new BsonString(METADATA_URI));
			Projections.setNow(context, Projections.COUPONS, coupon, "createdAt", event);
			if (event.ref("expiryTimestamp") != null) {
				context.set(Projections.COUPONS, coupon, "expiryTimestamp", event.ref("expiryTimestamp"));
			}
			context.touch("promotions.currentSupply", event.text("promotion"));
			context.touch("marketplace.totalCoupons", "");
			context.touch("merchants.totalCouponsCreated", event.text("merchant"));
			context.touch(Projections.COUPON_TRANSFERS, coupon);
			Projections.userStats(context, event.text("recipient"), event);
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
			String code = event.text("redemptionCode");
			context.set(Projections.COUPONS, coupon, "redemptionCode", new BsonString(code));
			BsonValue id = code.startsWith(REDEEMED_PREFIX) ? u64(code.substring(REDEEMED_PREFIX.length())) : null;
			if (id != null) {
				context.set(Projections.COUPONS, coupon, "id", id);
			}
			context.touch("merchants.totalCouponsRedeemed", event.text("merchant"));
			Projections.userStats(context, event.text("user"), event);
		});
		projections.put("CouponListed", (event, context) -> {
			String listing = event.text("listing");
			context.copy(Projections.LISTINGS, listing, "coupon", "nftMint", "seller", "price");
			context.set(Projections.LISTINGS, listing, "isActive", true);
			context.set(Projections.LISTINGS, listing, "buyer", Projections.NULL);
			context.set(Projections.LISTINGS, listing, "soldPrice", Projections.NULL);
			Projections.setNow(context, Projections.LISTINGS, listing, "createdAt", event);
			Projections.userStats(context, event.text("seller"), event);
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

	/** A u64 in the read model's form (Int64 where it fits, Decimal128 above), or null if the text is no u64. */
	private static BsonValue u64(String decimal) {
		if (decimal.isEmpty() || decimal.length() > 20 || !decimal.chars().allMatch(c -> c >= '0' && c <= '9')) {
			return null;
		}
		BigInteger value = new BigInteger(decimal);
		if (value.bitLength() > 64) {
			return null;
		}
		return value.bitLength() < 64 ? new BsonInt64(value.longValueExact())
				: new BsonDecimal128(new Decimal128(new BigDecimal(value)));
	}
}
