package io.couponsync.jobs.applyevents;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.simulator.GroundTruth;

/**
 * Compares the read model with the simulated chain's accounts: every field a document holds that its account has,
 * value by value (numbers by value, pubkeys as base58, unit enums by name, bytes as hex, structs field by field),
 * and for each collection the fields events must write. This shows the read model consistent with the simulator;
 * whether both follow the program is {@code ProgramRulesProjectionIT}'s and the simulator's own tests' question.
 */
public final class GroundTruthComparison {

	/** A collection, the account type behind it, and the fields every document of it must hold. */
	record Mapping(String collection, String accountType, List<String> required, boolean everyAccountIndexed) {
	}

	/** Read-model bookkeeping, not account fields. */
	private static final Set<String> BOOKKEEPING = Set.of("_id", "_versions", "lastVersion", "lastSlot",
			"lastSignature", "commitment", "orphaned", "orphanReason", "orphanedAt");

	static final List<Mapping> MAPPINGS = List.of(
			new Mapping("marketplace", "Marketplace",
					List.of("authority", "totalCoupons", "totalMerchants", "feeBasisPoints"), true),
			new Mapping("merchants", "Merchant", List.of("authority", "name", "category", "totalCouponsCreated",
					"totalCouponsRedeemed", "isActive", "createdAt"), true),
			new Mapping("promotions", "Promotion", List.of("merchant", "discountPercentage", "maxSupply",
					"currentSupply", "expiryTimestamp", "price", "isActive", "location", "geoCellId", "radiusMeters",
					"isLocationBased", "createdAt"), true),
			// why: coupons minted by mint_group_coupon have no event, so not every coupon account is indexed
			new Mapping("coupons", "Coupon", List.of("owner"), false),
			new Mapping("listings", "Listing", List.of("coupon", "seller", "price", "isActive", "createdAt"), true),
			new Mapping("ratings", "Rating", List.of("user", "promotion", "stars", "createdAt", "updatedAt"), true),
			new Mapping("comments", "Comment", List.of("user", "promotion", "content", "likes", "createdAt"), true),
			new Mapping("comment_likes", "CommentLike", List.of("user", "comment", "createdAt"), true),
			new Mapping("badges", "BadgeNFT", List.of("user", "badgeType", "mint", "earnedAt", "metadataUri"), true),
			new Mapping("group_deals", "GroupDeal", List.of("promotion", "merchant", "organizer",
					"targetParticipants", "currentParticipants", "basePrice", "deadline", "isActive", "isFinalized",
					"finalizedAt", "totalEscrowed", "escrowVault", "createdAt"), true),
			new Mapping("group_participants", "GroupParticipant",
					List.of("groupDeal", "user", "amountEscrowed", "isRefunded", "joinedAt"), true),
			new Mapping("auctions", "CouponAuction", List.of("coupon", "seller", "auctionType", "startingPrice",
					"reservePrice", "currentBid", "highestBidder", "bidCount", "isActive", "isFinalized", "endTime",
					"extensionSeconds", "startTime"), true),
			new Mapping("bids", "Bid", List.of("auction", "bidder", "amount", "isWinning", "isRefunded", "timestamp"), true),
			new Mapping("redemption_tickets", "RedemptionTicket", List.of("coupon", "user", "merchant", "ticketHash",
					"expiresAt", "nonce", "isConsumed", "createdAt"), true),
			new Mapping("external_deals", "ExternalDeal",
					List.of("source", "externalId", "isVerified", "discountedPrice", "verificationCount",
						"lastUpdated"), true),
			new Mapping("staking_pool", "StakingPool", List.of("totalStaked", "totalRewardsDistributed"), false),
			// why: user stats created by an instruction that emits no event about the user are not indexed
			new Mapping("user_stats", "UserStats", List.of("user", "totalPurchases", "totalRedemptions",
					"totalRatingsGiven", "totalComments", "totalListings", "reputationScore", "tier", "badgesEarned",
					"lastActivity", "joinedAt"), false));

	/**
	 * Every difference between the read model and the accounts; documents whose account the chain no longer has
	 * (closed — marked so, or without an event, e.g. a cancelled redemption ticket) are reported as {@code orphans}
	 * instead.
	 */
	public static List<String> differences(MongoDatabase readModel, Map<String, GroundTruth.Account> accounts,
			List<String> orphans) {
		List<String> differences = new ArrayList<>();
		for (Mapping mapping : MAPPINGS) {
			Set<String> indexed = new HashSet<>();
			for (Document document : readModel.getCollection(mapping.collection()).find()) {
				String id = document.getString("_id");
				indexed.add(id);
				GroundTruth.Account account = accounts.get(id);
				if (account == null) {
					orphans.add(mapping.collection() + "/" + id);
					continue;
				}
				if (Boolean.TRUE.equals(document.getBoolean("orphaned"))) {
					differences.add(mapping.collection() + "/" + id + " is marked orphaned, its account exists");
				}
				if (!account.type().equals(mapping.accountType())) {
					differences.add(mapping.collection() + "/" + id + " is a " + account.type());
					continue;
				}
				for (String field : mapping.required()) {
					if (!document.containsKey(field)) {
						differences.add(mapping.collection() + "/" + id + " lacks " + field);
					}
				}
				document.forEach((field, value) -> {
					String accountField = snake(field);
					if (BOOKKEEPING.contains(field) || !account.fields().containsKey(accountField)) {
						return;
					}
					String expected = normalize(account.fields().get(accountField));
					String actual = normalize(value);
					if (!expected.equals(actual)) {
						differences.add(mapping.collection() + "/" + id + "." + field + ": read model " + actual
								+ ", chain " + expected);
					}
				});
			}
			List<GroundTruth.Account> ofType = accounts.values().stream()
				.filter(account -> account.type().equals(mapping.accountType())).toList();
			if (mapping.everyAccountIndexed()) {
				ofType.stream().filter(account -> !indexed.contains(account.address()))
					.forEach(account -> differences.add(mapping.collection() + " lacks " + account.address()));
			}
			else if (!ofType.isEmpty() && ofType.stream().noneMatch(account -> indexed.contains(account.address()))) {
				// why: not every account of these types has an event, but an empty collection compares equal to anything
				differences.add(mapping.collection() + " indexes none of the chain's " + ofType.size() + " "
						+ mapping.accountType() + " accounts");
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
		if (value instanceof Map<?, ?> struct) {
			Map<String, String> fields = new TreeMap<>();
			struct.forEach((field, inner) -> fields.put(snake(field.toString()), normalize(inner)));
			return fields.toString();
		}
		if (value instanceof List<?> list) {
			return list.stream().map(GroundTruthComparison::normalize).toList().toString();
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
