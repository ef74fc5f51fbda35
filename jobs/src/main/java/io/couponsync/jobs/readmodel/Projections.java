package io.couponsync.jobs.readmodel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;

import io.couponsync.jobs.readmodel.CounterSpec.Source;

/**
 * Every event of the program and what it does to the read model, plus the counters derived from the event log.
 * Documents are keyed by their account's address; where an event lacks it, by the PDA its seeds give (ratings,
 * likes, participants, bids, user stats), and where the account is neither named nor derivable, by a stated
 * natural key (badges by mint, staking by staker, merchant ratings by merchant and rater).
 */
public final class Projections {

	public static final String MARKETPLACE = "marketplace";

	public static final String MERCHANTS = "merchants";

	public static final String PROMOTIONS = "promotions";

	public static final String MERCHANT_RATINGS = "merchant_ratings";

	public static final String EXTERNAL_DEALS = "external_deals";

	public static final String COUPONS = "coupons";

	public static final String LISTINGS = "listings";

	public static final String RATINGS = "ratings";

	public static final String COMMENTS = "comments";

	public static final String COMMENT_LIKES = "comment_likes";

	public static final String BADGES = "badges";

	public static final String GROUP_DEALS = "group_deals";

	public static final String GROUP_PARTICIPANTS = "group_participants";

	public static final String AUCTIONS = "auctions";

	public static final String BIDS = "bids";

	public static final String REDEMPTION_TICKETS = "redemption_tickets";

	public static final String STAKING = "staking";

	public static final String USER_STATS = "user_stats";

	/** Every collection the projections write. */
	public static final List<String> COLLECTIONS = List.of(MARKETPLACE, MERCHANTS, PROMOTIONS, MERCHANT_RATINGS,
			EXTERNAL_DEALS, COUPONS, LISTINGS, RATINGS, COMMENTS, COMMENT_LIKES, BADGES, GROUP_DEALS,
			GROUP_PARTICIPANTS, AUCTIONS, BIDS, REDEMPTION_TICKETS, STAKING, USER_STATS);

	/** Collections keyed by something other than an account's address, so they cannot be re-read from chain. */
	public static final List<String> NOT_ACCOUNTS = List.of(MERCHANT_RATINGS, BADGES, STAKING);

	/** The account types whose documents are keyed by the account's address, and their collections. */
	public static final Map<String, String> COLLECTION_OF_ACCOUNT_TYPE = Map.ofEntries(
			Map.entry("Marketplace", MARKETPLACE), Map.entry("Merchant", MERCHANTS), Map.entry("Promotion", PROMOTIONS),
			Map.entry("Coupon", COUPONS), Map.entry("Listing", LISTINGS), Map.entry("Rating", RATINGS),
			Map.entry("Comment", COMMENTS), Map.entry("CommentLike", COMMENT_LIKES), Map.entry("GroupDeal", GROUP_DEALS),
			Map.entry("GroupParticipant", GROUP_PARTICIPANTS), Map.entry("CouponAuction", AUCTIONS),
			Map.entry("Bid", BIDS), Map.entry("RedemptionTicket", REDEMPTION_TICKETS),
			Map.entry("ExternalDeal", EXTERNAL_DEALS), Map.entry("UserStats", USER_STATS));

	/** Touch names of the derived histories (recomputed from the log, like counters). */
	public static final String COUPON_TRANSFERS = "coupons.transfers";

	public static final String AUCTION_BIDS = "auctions.bids";

	private final Map<String, EventProjection> byEvent = new HashMap<>();

	private final List<CounterSpec> counters;

	public Projections(PdaResolver pdas) {
		String marketplace = pdas.derive("marketplace", Map.of());
		new MarketProjections(marketplace).register(byEvent);
		new CouponProjections().register(byEvent);
		new CommunityProjections().register(byEvent);
		new GroupDealProjections().register(byEvent);
		new AuctionProjections().register(byEvent);
		new RedemptionProjections().register(byEvent);
		this.counters = List.of(
				new CounterSpec("marketplace.totalCoupons", MARKETPLACE, "totalCoupons", key -> marketplace,
						List.of(Source.count("CouponMinted", null))),
				new CounterSpec("marketplace.totalMerchants", MARKETPLACE, "totalMerchants", key -> marketplace,
						List.of(Source.count("MerchantRegistered", null))),
				new CounterSpec("merchants.totalCouponsCreated", MERCHANTS, "totalCouponsCreated", key -> key,
						List.of(Source.count("PromotionCreated", "merchant"), Source.count("CouponMinted", "merchant"))),
				new CounterSpec("merchants.totalCouponsRedeemed", MERCHANTS, "totalCouponsRedeemed", key -> key,
						List.of(Source.count("CouponRedeemed", "merchant"), Source.count("TicketRedeemed", "merchant"))),
				new CounterSpec("promotions.currentSupply", PROMOTIONS, "currentSupply", key -> key,
						List.of(Source.count("CouponMinted", "promotion"))),
				new CounterSpec("comments.likes", COMMENTS, "likes", key -> key,
						List.of(Source.count("CommentLiked", "comment"))),
				new CounterSpec("groupDeals.totalEscrowed", GROUP_DEALS, "totalEscrowed", key -> key,
						List.of(Source.sum("GroupDealJoined", "groupDeal", "amountEscrowed", 1),
								Source.sum("GroupDealRefunded", "groupDeal", "refundAmount", -1))),
				userStats(pdas, "totalPurchases", Source.count("GroupDealJoined", "user"),
						Source.count("AuctionFinalized", "winner")),
				userStats(pdas, "totalRedemptions", Source.count("CouponRedeemed", "user"),
						Source.count("TicketRedeemed", "user")),
				userStats(pdas, "totalRatingsGiven", Source.count("PromotionRated", "user").onlyIf("isUpdate", false)),
				userStats(pdas, "totalComments", Source.count("CommentAdded", "user")),
				userStats(pdas, "totalListings", Source.count("CouponListed", "seller"),
						Source.count("AuctionCreated", "seller")),
				new CounterSpec("staking.totalStaked", STAKING, "totalStaked", key -> key,
						List.of(Source.sum("RewardsStaked", "staker", "amount", 1))),
				new CounterSpec("staking.stakes", STAKING, "stakes", key -> key,
						List.of(Source.count("RewardsStaked", "staker"))),
				new CounterSpec("staking.rewardsClaimed", STAKING, "rewardsClaimed", key -> key,
						List.of(Source.sum("RewardsClaimed", "staker", "amount", 1))));
		byEvent.put("RewardsStaked", (event, context) -> staking(event, context));
		byEvent.put("RewardsClaimed", (event, context) -> {
			staking(event, context);
			context.touch("staking.rewardsClaimed", event.text("staker"));
		});
	}

	private static void staking(ChainEvent event, ProjectionContext context) {
		String staker = event.text("staker");
		context.set(STAKING, staker, "staker", new BsonString(staker));
		context.touch("staking.totalStaked", staker);
		context.touch("staking.stakes", staker);
	}

	private static CounterSpec userStats(PdaResolver pdas, String field, Source... sources) {
		return new CounterSpec("userStats." + field, USER_STATS, field,
				user -> pdas.derive("user_stats", Map.of("user", PdaResolver.key(user))), List.of(sources));
	}

	/** The user's stats document (a PDA of the user); sets its user field and returns its id. */
	static String userStats(ProjectionContext context, String user) {
		String id = context.pdas().derive("user_stats", Map.of("user", PdaResolver.key(user)));
		context.set(USER_STATS, id, "user", new BsonString(user));
		for (String counter : USER_STATS_COUNTERS) {
			context.touch("userStats." + counter, user);
		}
		return id;
	}

	private static final List<String> USER_STATS_COUNTERS = List.of("totalPurchases", "totalRedemptions",
			"totalRatingsGiven", "totalComments", "totalListings");

	static final BsonInt64 ZERO = new BsonInt64(0);

	static final BsonNull NULL = BsonNull.VALUE;

	public EventProjection projection(String event) {
		return byEvent.get(event);
	}

	public java.util.Set<String> events() {
		return byEvent.keySet();
	}

	public List<CounterSpec> counters() {
		return counters;
	}
}
