package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;
import static io.couponsync.simulator.marketplace.Values.utf8Length;

import java.util.Map;

import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/** The marketplace, merchants and promotions: document §1 and §2.1. */
final class Merchants {

	/** set by initialize, changed by no instruction */
	static final int FEE_BASIS_POINTS = 250;

	private final ProgramRuntime program;

	Merchants(ProgramRuntime program) {
		this.program = program;
	}

	/** §1.1: the singleton Marketplace; its fee is a constant, not an argument. */
	LedgerTransaction initialize(String authority, Shape shape) {
		Invocation in = program.begin("initialize", authority, Map.of());
		String marketplace = program.pdas().marketplace();
		in.account("marketplace", marketplace);
		in.account("authority", authority);
		require(!in.occupied(marketplace), "AccountAlreadyInUse", "the marketplace exists");
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(marketplace, "Marketplace", fields("authority", authority, "total_coupons", 0L, "total_merchants", 0L,
				"fee_basis_points", FEE_BASIS_POINTS));
		in.emit("MarketplaceInitialized", fields("marketplace", marketplace, "authority", authority,
				"fee_basis_points", FEE_BASIS_POINTS, "timestamp", program.now()));
		return program.submit(in, shape, 18_000);
	}

	/** §1.2 */
	LedgerTransaction registerMerchant(String authority, String name, String category, Double latitude,
			Double longitude, Shape shape) {
		Invocation in = program.begin("register_merchant", authority,
				fields("name", name, "category", category, "latitude", latitude, "longitude", longitude));
		String merchant = program.pdas().merchant(authority);
		String marketplaceAddress = program.pdas().marketplace();
		in.account("merchant", merchant);
		in.account("marketplace", marketplaceAddress);
		in.account("authority", authority);
		require(utf8Length(name) <= 50, "NameTooLong", "name has " + utf8Length(name) + " bytes");
		require(utf8Length(category) <= 30, "CategoryTooLong", "category has " + utf8Length(category) + " bytes");
		boolean physical = latitude != null && longitude != null;
		if (physical) {
			requireCoordinates(latitude, longitude);
		}
		require(!in.occupied(merchant), "AccountAlreadyInUse", "merchant " + merchant + " exists");
		Map<String, Object> marketplace = program.load(in, marketplaceAddress, "Marketplace");
		long now = program.now();
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(merchant, "Merchant", fields("authority", authority, "name", name, "category", category,
				"total_coupons_created", 0L, "total_coupons_redeemed", 0L, "is_active", true, "created_at", now,
				"location", location(physical, latitude, longitude), "has_physical_location", physical));
		marketplace.put("total_merchants", Values.addU64(number(marketplace.get("total_merchants")), 1));
		in.save(marketplaceAddress, "Marketplace", marketplace);
		in.emit("MerchantRegistered", fields("merchant", merchant, "authority", authority, "name", name, "category",
				category, "timestamp", now));
		return program.submit(in, shape, 24_000);
	}

	/**
	 * §2.1: any signer may create a promotion for any merchant. The merchant's total_coupons_created is the PDA
	 * seed and is not incremented, so a second promotion lands only after that counter moved (§13 fact 1).
	 */
	LedgerTransaction createPromotion(String authority, String merchant, int discountPercentage, long maxSupply,
			long expiry, String category, String description, long price, Shape shape) {
		Invocation in = program.begin("create_promotion", authority, fields("discount_percentage", discountPercentage,
				"max_supply", maxSupply, "expiry_timestamp", expiry, "category", category, "description", description,
				"price", price));
		Map<String, Object> merchantState = program.load(in, merchant, "Merchant");
		long index = number(merchantState.get("total_coupons_created"));
		String promotion = program.pdas().promotion(merchant, index);
		in.account("promotion", promotion);
		in.account("merchant", merchant);
		in.account("authority", authority);
		require(discountPercentage >= 1 && discountPercentage <= 100, "InvalidDiscount",
				"discount " + discountPercentage + "%");
		require(maxSupply > 0, "InvalidSupply", "max_supply is 0");
		long now = program.now();
		require(expiry > now, "InvalidExpiry", "expiry " + expiry + " is not after now " + now);
		require(utf8Length(category) <= 30, "CategoryTooLong", "category has " + utf8Length(category) + " bytes");
		require(utf8Length(description) <= 200, "DescriptionTooLong",
				"description has " + utf8Length(description) + " bytes");
		require(!in.occupied(promotion), "AccountAlreadyInUse",
				"promotion " + promotion + " (seed index " + index + ") exists");
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(promotion, "Promotion", fields("merchant", merchant, "discount_percentage", discountPercentage,
				"max_supply", maxSupply, "current_supply", 0L, "expiry_timestamp", expiry, "category", category,
				"description", description, "price", price, "is_active", true, "created_at", now, "location",
				location(false, null, null), "geo_cell_id", 0L, "radius_meters", 0L, "is_location_based", false));
		in.emit("PromotionCreated", fields("promotion", promotion, "merchant", merchant, "discount_percentage",
				discountPercentage, "max_supply", maxSupply, "expiry_timestamp", expiry, "price", price));
		return program.submit(in, shape, 31_000);
	}

	/** InvalidCoordinates: latitude outside [−90, 90] or longitude outside [−180, 180]. */
	static void requireCoordinates(double latitude, double longitude) {
		require(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180, "InvalidCoordinates",
				latitude + ", " + longitude);
	}

	/** Micro-degrees truncated to i32, as Rust's {@code as i32} casts; both coordinates or nothing. */
	static int microDegrees(double degrees) {
		return (int) (degrees * 1_000_000);
	}

	private static Map<String, Object> location(boolean known, Double latitude, Double longitude) {
		return fields("latitude", known ? microDegrees(latitude) : 0, "longitude", known ? microDegrees(longitude) : 0,
				"region_code", 0, "country_code", 0, "city_hash", 0L);
	}
}
