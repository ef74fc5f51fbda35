package io.couponsync.jobs.applyevents;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.simulator.GroundTruth;

/**
 * Compares the read model with the chain's accounts: for each collection, the fields the events describe, value by
 * value (numbers by value, pubkeys as base58, unit enums by name, bytes as hex).
 */
public final class GroundTruthComparison {

	/** A collection, the account type behind it, and its fields as read-model name → account field name. */
	record Mapping(String collection, String accountType, Map<String, String> fields, boolean everyAccountIndexed) {
	}

	static final List<Mapping> MAPPINGS = List.of(
			mapping("marketplace", "Marketplace", true, "authority", "totalCoupons", "totalMerchants", "feeBasisPoints"),
			mapping("merchants", "Merchant", true, "authority", "name", "category", "totalCouponsCreated",
					"totalCouponsRedeemed", "isActive"),
			mapping("promotions", "Promotion", true, "merchant", "discountPercentage", "maxSupply", "currentSupply",
					"expiryTimestamp", "price", "isActive"),
			mapping("coupons", "Coupon", false, "owner", "promotion", "merchant", "discountPercentage", "isRedeemed",
					"mint"),
			mapping("listings", "Listing", true, "coupon", "seller", "price", "isActive"),
			mapping("ratings", "Rating", true, "user", "promotion", "stars"),
			mapping("comments", "Comment", true, "user", "promotion", "content", "likes"),
			mapping("comment_likes", "CommentLike", true, "user", "comment"),
			mapping("group_deals", "GroupDeal", true, "promotion", "merchant", "organizer", "targetParticipants",
					"currentParticipants", "basePrice", "deadline", "isActive", "isFinalized", "totalEscrowed"),
			mapping("group_participants", "GroupParticipant", true, "groupDeal", "user", "amountEscrowed",
					"isRefunded"),
			mapping("auctions", "CouponAuction", true, "coupon", "seller", "auctionType", "startingPrice",
					"reservePrice", "currentBid", "highestBidder", "bidCount", "isActive", "isFinalized", "endTime"),
			mapping("bids", "Bid", true, "auction", "bidder", "amount", "isWinning", "isRefunded"),
			mapping("redemption_tickets", "RedemptionTicket", true, "coupon", "user", "merchant", "ticketHash",
					"expiresAt", "nonce", "isConsumed"),
			mapping("external_deals", "ExternalDeal", true, "source", "externalId", "isVerified"),
			mapping("user_stats", "UserStats", false, "user", "totalPurchases", "totalRedemptions",
					"totalRatingsGiven", "totalComments", "totalListings"));

	private static Mapping mapping(String collection, String type, boolean everyAccountIndexed, String... fields) {
		Map<String, String> map = new LinkedHashMap<>();
		for (String field : fields) {
			map.put(field, snake(field));
		}
		return new Mapping(collection, type, map, everyAccountIndexed);
	}

	/**
	 * Every difference between the read model and the accounts; documents of accounts the chain closed without an
	 * event (redemption tickets cancelled) are reported as {@code orphans} instead.
	 */
	public static List<String> differences(MongoDatabase readModel, Map<String, GroundTruth.Account> accounts,
			List<String> orphans) {
		List<String> differences = new ArrayList<>();
		for (Mapping mapping : MAPPINGS) {
			Set<String> indexed = new java.util.HashSet<>();
			for (Document document : readModel.getCollection(mapping.collection()).find()) {
				String id = document.getString("_id");
				indexed.add(id);
				GroundTruth.Account account = accounts.get(id);
				if (account == null) {
					orphans.add(mapping.collection() + "/" + id);
					continue;
				}
				if (!account.type().equals(mapping.accountType())) {
					differences.add(mapping.collection() + "/" + id + " is a " + account.type());
					continue;
				}
				mapping.fields().forEach((field, accountField) -> {
					String expected = normalize(account.fields().get(accountField));
					String actual = normalize(document.get(field));
					if (!expected.equals(actual)) {
						differences.add(mapping.collection() + "/" + id + "." + field + ": read model " + actual
								+ ", chain " + expected);
					}
				});
			}
			if (mapping.everyAccountIndexed()) {
				accounts.values().stream().filter(account -> account.type().equals(mapping.accountType()))
					.filter(account -> !indexed.contains(account.address()))
					.forEach(account -> differences.add(mapping.collection() + " lacks " + account.address()));
			}
		}
		return differences;
	}

	static String normalize(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof PublicKey key) {
			return key.toBase58();
		}
		if (value instanceof EnumValue enumValue && enumValue.fields().isEmpty()) {
			return enumValue.variant();
		}
		if (value instanceof byte[] bytes) {
			return HexFormat.of().formatHex(bytes);
		}
		if (value instanceof Binary binary) {
			return HexFormat.of().formatHex(binary.getData());
		}
		if (value instanceof Decimal128 decimal) {
			return decimal.bigDecimalValue().toPlainString();
		}
		if (value instanceof Number number) {
			return new BigDecimal(number.toString()).toPlainString();
		}
		return value.toString();
	}

	static String snake(String camel) {
		StringBuilder snake = new StringBuilder();
		for (char c : camel.toCharArray()) {
			if (Character.isUpperCase(c)) {
				snake.append('_').append(Character.toLowerCase(c));
			}
			else {
				snake.append(c);
			}
		}
		return snake.toString();
	}
}
