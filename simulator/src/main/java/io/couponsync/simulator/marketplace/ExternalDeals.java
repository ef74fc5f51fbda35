package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;
import static io.couponsync.simulator.marketplace.Values.utf8Length;

import java.util.Map;

import io.couponsync.chain.value.EnumValue;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * External deals: document §5. Any payer may create or update a deal (an update at most once an hour); the
 * source is always Skyscanner, the deal always verified, and the first payer stays its oracle authority.
 */
final class ExternalDeals {

	static final long UPDATE_INTERVAL = 3600;

	private static final EnumValue SOURCE = new EnumValue("Skyscanner", Map.of());

	private final ProgramRuntime program;

	ExternalDeals(ProgramRuntime program) {
		this.program = program;
	}

	/** §5.1 */
	LedgerTransaction updateExternalDeal(String payer, String externalId, String title, String description,
			long originalPrice, long discountedPrice, String category, String imageUrl, String affiliateUrl,
			long expiry, Shape shape) {
		Invocation in = program.begin("update_external_deal", payer, fields("external_id", externalId, "title", title,
				"description", description, "original_price", originalPrice, "discounted_price", discountedPrice,
				"category", category, "image_url", imageUrl, "affiliate_url", affiliateUrl, "expiry_timestamp",
				expiry));
		String deal = program.pdas().externalDeal(externalId);
		in.account("external_deal", deal);
		in.account("payer", payer);
		require(utf8Length(externalId) <= 100 && utf8Length(title) <= 200 && utf8Length(description) <= 500
				&& utf8Length(category) <= 50 && utf8Length(imageUrl) <= 200 && utf8Length(affiliateUrl) <= 200,
				"InvalidInput", "a text argument is too long");
		Map<String, Object> existing = in.load(deal);
		boolean fresh = existing == null || Values.DEFAULT_KEY.equals(key(existing.get("oracle_authority")));
		long now = program.now();
		if (!fresh) {
			require(now >= number(existing.get("last_updated")) + UPDATE_INTERVAL, "InvalidExpiry",
					"deal " + deal + " was updated less than an hour ago");
		}
		require(originalPrice != 0, "ArithmeticOverflow", "division by zero: original price is 0");
		long off = Values.mulU64(Values.subU64(originalPrice, discountedPrice), 100) / originalPrice;
		Map<String, Object> state = fresh ? fields("oracle_authority", payer, "source", SOURCE, "external_id",
				externalId) : existing;
		if (fresh) {
			in.invoke(Pdas.SYSTEM_PROGRAM);
		}
		state.put("title", title);
		state.put("description", description);
		state.put("original_price", originalPrice);
		state.put("discounted_price", discountedPrice);
		state.put("discount_percentage", off);
		state.put("category", category);
		state.put("image_url", imageUrl);
		state.put("affiliate_url", affiliateUrl);
		state.put("expiry_timestamp", expiry);
		state.put("last_updated", now);
		state.put("is_verified", true);
		state.put("verification_count", fresh ? 1L : Values.addU32(number(existing.get("verification_count")), 1));
		in.save(deal, "ExternalDeal", state);
		in.emit("ExternalDealUpdated", fields("deal", deal, "source", state.get("source"), "external_id",
				state.get("external_id"), "price", discountedPrice, "verified", true));
		return program.submit(in, shape, 25_000);
	}
}
