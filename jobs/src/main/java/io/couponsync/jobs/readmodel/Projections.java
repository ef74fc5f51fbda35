package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;

import io.couponsync.chain.idl.Idl;
import io.couponsync.jobs.readmodel.CounterSpec.Source;

/**
 * Every event of the program and what it does to the read model, as the deployed program's rules say: the fields
 * each event reveals, the counters derived from the event log, and the references some events need from earlier
 * ones. Documents are keyed by their account's address; where an event lacks it, by the PDA its seeds give
 * (ratings, likes, participants, bids, user stats, badges, the staking pool). One collection is not an account:
 * {@code stakers}, a summary per staker, because the staking events name neither the coupon nor the stake account.
 * Events the program declares but never emits ({@code MerchantRated}) have no projection: a transaction carrying
 * one is dead-lettered like any event without a projection.
 */
public final class Projections {

	public static final String MARKETPLACE = "marketplace";

	public static final String MERCHANTS = "merchants";

	public static final String PROMOTIONS = "promotions";

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

	public static final String STAKING_POOL = "staking_pool";

	public static final String STAKERS = "stakers";

	public static final String USER_STATS = "user_stats";

	/**
	 * Stake accounts, keyed by address: no event names them (the staking events give only the staker), so only the
	 * reconciliation job writes this collection, from account reads.
	 */
	public static final String STAKES = "stakes";

	/** Every collection the projections write. */
	public static final List<String> COLLECTIONS = List.of(MARKETPLACE, MERCHANTS, PROMOTIONS, EXTERNAL_DEALS, COUPONS,
			LISTINGS, RATINGS, COMMENTS, COMMENT_LIKES, BADGES, GROUP_DEALS, GROUP_PARTICIPANTS, AUCTIONS, BIDS,
			REDEMPTION_TICKETS, STAKING_POOL, STAKERS, USER_STATS, STAKES);

	/**
	 * The collections of the only accounts the program closes (cancel_auction, cancel_redemption_ticket): their
	 * addresses can be created again, by a new account that shares none of the closed one's state.
	 */
	public static final Set<String> CLOSABLE = Set.of(AUCTIONS, REDEMPTION_TICKETS);

	/** Collections keyed by something other than an account's address, so they cannot be re-read from chain. */
	public static final List<String> NOT_ACCOUNTS = List.of(STAKERS);

	/** The account types whose documents are keyed by the account's address, and their collections. */
	public static final Map<String, String> COLLECTION_OF_ACCOUNT_TYPE = Map.ofEntries(
			Map.entry("Marketplace", MARKETPLACE), Map.entry("Merchant", MERCHANTS), Map.entry("Promotion", PROMOTIONS),
			Map.entry("Coupon", COUPONS), Map.entry("Listing", LISTINGS), Map.entry("Rating", RATINGS),
			Map.entry("Comment", COMMENTS), Map.entry("CommentLike", COMMENT_LIKES), Map.entry("BadgeNFT", BADGES),
			Map.entry("GroupDeal", GROUP_DEALS), Map.entry("GroupParticipant", GROUP_PARTICIPANTS),
			Map.entry("CouponAuction", AUCTIONS), Map.entry("Bid", BIDS),
			Map.entry("RedemptionTicket", REDEMPTION_TICKETS), Map.entry("ExternalDeal", EXTERNAL_DEALS),
			Map.entry("StakingPool", STAKING_POOL), Map.entry("UserStats", USER_STATS),
			Map.entry("StakeAccount", STAKES));

	/**
	 * The collection holding the account an event creates, for the events references are taken from: when the
	 * source event is not in the chunk, the reference is read from the account's document (written by that event,
	 * or by an account read — which also covers accounts created before the sync's start).
	 */
	public static final Map<String, String> COLLECTION_OF_CREATION = Map.of("AuctionCreated", AUCTIONS,
			"PromotionCreated", PROMOTIONS, "GroupDealCreated", GROUP_DEALS);

	/** Touch name of a coupon's transfer history (recomputed from the log, like counters). */
	public static final String COUPON_TRANSFERS = "coupons.transfers";

	/** Touch name of a user's badge list ({@link AwardedBadges}), keyed by the user's address. */
	public static final String USER_BADGES = "userStats.badgesEarned";

	/** What stake_coupon always stakes, and claim_rewards always takes off the pool (the events omit the latter). */
	static final long STAKE_AMOUNT = 1_000_000;

	private static final List<String> USER_STATS_COUNTERS = List.of("totalPurchases", "totalRedemptions",
			"totalRatingsGiven", "totalComments", "totalListings", "reputationScore");

	/** What auto_award_badge adds to reputation_score, by badge type (program-semantics §6.2). */
	private static final Map<String, Long> BADGE_REPUTATION = Map.of("FirstPurchase", 10L, "TenRedemptions", 50L,
			"FiftyRedemptions", 200L, "TopReviewer", 100L, "EarlyAdopter", 500L, "MerchantPartner", 300L,
			"CommunityModerator", 1000L);

	/** The tiers' lower bounds of reputation_score, highest first (program-semantics §0). */
	private static final List<Map.Entry<Long, String>> TIERS = List.of(Map.entry(10_000L, "Diamond"),
			Map.entry(2_000L, "Platinum"), Map.entry(500L, "Gold"), Map.entry(100L, "Silver"), Map.entry(0L, "Bronze"));

	static final BsonInt64 ZERO = new BsonInt64(0);

	static final BsonInt32 ZERO_32 = new BsonInt32(0);

	static final BsonNull NULL = BsonNull.VALUE;

	/**
	 * Sets a field the program sets to {@code now}, the Clock's unix timestamp, which is the transaction's block time
	 * (program-semantics §0): from the event's block time, or not at all when it was applied without one (an account
	 * read fills it then).
	 */
	static void setNow(ProjectionContext context, String collection, String id, String field, ChainEvent event) {
		if (event.blockTime() != null) {
			context.set(collection, id, field, new BsonInt64(event.blockTime()));
		}
	}

	private final Map<String, EventProjection> byEvent = new HashMap<>();

	private final List<EventReference> references = new ArrayList<>();

	private final List<CounterSpec> counters;

	public Projections(PdaResolver pdas, Idl idl) {
		String marketplace = pdas.derive("marketplace", Map.of());
		String stakingPool = pdas.derive("staking_pool", Map.of());
		new MarketProjections(marketplace).register(byEvent);
		new CouponProjections().register(byEvent, references);
		new CommunityProjections(idl).register(byEvent, references);
		new GroupDealProjections().register(byEvent, references);
		new AuctionProjections().register(byEvent, references);
		new RedemptionProjections().register(byEvent);
		new StakingProjections().register(byEvent);
		this.counters = List.of(
				new CounterSpec("marketplace.totalCoupons", MARKETPLACE, "totalCoupons", key -> marketplace,
						List.of(Source.count("CouponMinted", null))),
				new CounterSpec("marketplace.totalMerchants", MARKETPLACE, "totalMerchants", key -> marketplace,
						List.of(Source.count("MerchantRegistered", null))),
				// why: create_promotion only reads this counter (as a seed); group-deal finalization raises it
				new CounterSpec("merchants.totalCouponsCreated", MERCHANTS, "totalCouponsCreated", key -> key,
						List.of(Source.count("CouponMinted", "merchant"),
								Source.sum("GroupDealFinalized", "refs.merchant", "participantsCount"))),
				// why: a ticket redemption emits TicketRedeemed and CouponRedeemed for one change; count one
				new CounterSpec("merchants.totalCouponsRedeemed", MERCHANTS, "totalCouponsRedeemed", key -> key,
						List.of(Source.count("CouponRedeemed", "merchant"))),
				new CounterSpec("promotions.currentSupply", PROMOTIONS, "currentSupply", key -> key,
						List.of(Source.count("CouponMinted", "promotion"),
								Source.sum("GroupDealFinalized", "refs.promotion", "participantsCount"))),
				new CounterSpec("comments.likes", COMMENTS, "likes", key -> key,
						List.of(Source.count("CommentLiked", "comment"))),
				new CounterSpec("groupDeals.currentParticipants", GROUP_DEALS, "currentParticipants", key -> key,
						List.of(Source.count("GroupDealJoined", "groupDeal"))),
				// why: neither refunds nor finalization take anything off
				new CounterSpec("groupDeals.totalEscrowed", GROUP_DEALS, "totalEscrowed", key -> key,
						List.of(Source.sum("GroupDealJoined", "groupDeal", "amountEscrowed"))),
				new CounterSpec("externalDeals.verificationCount", EXTERNAL_DEALS, "verificationCount", key -> key,
						List.of(Source.count("ExternalDealUpdated", "deal"))),
				userStats(pdas, "totalPurchases", Source.count("CouponMinted", "recipient"),
						Source.count("AuctionFinalized", "winner")),
				userStats(pdas, "totalRedemptions", Source.count("CouponRedeemed", "user")),
				userStats(pdas, "totalRatingsGiven", Source.count("PromotionRated", "user").onlyIf("isUpdate", false)),
				userStats(pdas, "totalComments", Source.count("CommentAdded", "user")),
				userStats(pdas, "totalListings", Source.count("CouponListed", "seller"),
						Source.count("AuctionCreated", "seller")),
				userStats(pdas, "reputationScore", reputationSources()),
				new CounterSpec("stakingPool.totalStaked", STAKING_POOL, "totalStaked", key -> stakingPool,
						List.of(Source.sum("RewardsStaked", null, "amount"),
								Source.count("RewardsClaimed", null).times(-STAKE_AMOUNT))),
				new CounterSpec("stakingPool.totalRewardsDistributed", STAKING_POOL, "totalRewardsDistributed",
						key -> stakingPool, List.of(Source.sum("RewardsClaimed", null, "amount"))),
				new CounterSpec("stakers.stakes", STAKERS, "stakes", key -> key,
						List.of(Source.count("RewardsStaked", "staker"))),
				new CounterSpec("stakers.claims", STAKERS, "claims", key -> key,
						List.of(Source.count("RewardsClaimed", "staker"))),
				new CounterSpec("stakers.staked", STAKERS, "staked", key -> key,
						List.of(Source.sum("RewardsStaked", "staker", "amount"),
								Source.count("RewardsClaimed", "staker").times(-STAKE_AMOUNT))),
				new CounterSpec("stakers.rewardsClaimed", STAKERS, "rewardsClaimed", key -> key,
						List.of(Source.sum("RewardsClaimed", "staker", "amount"))));
	}

	/**
	 * reputation_score, which no event carries: §0's rep column summed over the events of the instructions that
	 * raise it. A ticket redemption emits CouponRedeemed and TicketRedeemed for one +10: CouponRedeemed counts. Only
	 * auto_award_badge's BadgeEarned adds (by badge type); mint_badge emits the same event and adds nothing, so the
	 * instruction the logs name tells them apart.
	 */
	private static Source[] reputationSources() {
		List<Source> sources = new ArrayList<>(List.of(Source.count("CouponMinted", "recipient").times(5),
				Source.count("CouponRedeemed", "user").times(10), Source.count("CouponListed", "seller").times(3),
				Source.count("CommentAdded", "user"),
				Source.count("PromotionRated", "user").onlyIf("isUpdate", false).times(2),
				Source.count("GroupDealJoined", "user").times(3), Source.count("AuctionCreated", "seller").times(5),
				Source.count("BidPlaced", "bidder").times(2), Source.count("AuctionFinalized", "winner").times(5)));
		BADGE_REPUTATION.forEach((badge, points) -> sources.add(Source.count("BadgeEarned", "user")
			.onlyIf("badgeType", badge).emittedBy(AwardedBadges.AWARDING_INSTRUCTION).times(points)));
		return sources.toArray(Source[]::new);
	}

	/**
	 * The tier of a reputation score (program-semantics §0), as an account read shows it: the variant's name. The
	 * score is never negative on chain; should a counter be (a count gone wrong), it gets the lowest tier.
	 */
	static BsonString tierOf(long reputationScore) {
		return new BsonString(TIERS.stream().filter(tier -> reputationScore >= tier.getKey()).findFirst()
			.map(Map.Entry::getValue).orElse("Bronze"));
	}

	/**
	 * An event that sets a field only events give: the event, its field naming the document, and its field holding
	 * the value — none where the event sets BSON null (a creation's "not yet": a new listing's buyer).
	 */
	public record Setter(String event, String keyField, String valueField) {

		static Setter of(String event, String keyField, String valueField) {
			return new Setter(event, keyField, valueField);
		}

		static Setter toNull(String event, String keyField) {
			return new Setter(event, keyField, null);
		}
	}

	/**
	 * A field only events give (the read-model extras: no account holds it) and every event that sets it by a key
	 * the event carries. A fork's undo takes out the value a dropped transaction set; the newest surviving setter's
	 * is then the document's (an earlier join's discount, the null of a listing no longer sold, the value of another
	 * transaction that created the same address on the surviving fork).
	 */
	public record EventOnlyField(String collection, String field, List<Setter> setters) {
	}

	/** why: a bid's key is derived, not in its event; the marketplace is created once, with no key in its event */
	public static final List<EventOnlyField> EVENT_ONLY_FIELDS = List.of(
			new EventOnlyField(COUPONS, "redemptionCode", List.of(Setter.of("CouponRedeemed", "coupon", "redemptionCode"))),
			new EventOnlyField(LISTINGS, "nftMint", List.of(Setter.of("CouponListed", "listing", "nftMint"))),
			new EventOnlyField(LISTINGS, "buyer",
					List.of(Setter.toNull("CouponListed", "listing"), Setter.of("CouponSold", "listing", "buyer"))),
			new EventOnlyField(LISTINGS, "soldPrice",
					List.of(Setter.toNull("CouponListed", "listing"), Setter.of("CouponSold", "listing", "price"))),
			new EventOnlyField(LISTINGS, "marketplaceFee",
					List.of(Setter.of("CouponSold", "listing", "marketplaceFee"))),
			new EventOnlyField(COMMENTS, "isReply", List.of(Setter.of("CommentAdded", "comment", "isReply"))),
			new EventOnlyField(GROUP_DEALS, "currentDiscount",
					List.of(Setter.of("GroupDealJoined", "groupDeal", "currentDiscount"))),
			new EventOnlyField(GROUP_DEALS, "finalDiscount",
					List.of(Setter.of("GroupDealFinalized", "groupDeal", "finalDiscount"))),
			new EventOnlyField(GROUP_DEALS, "totalRevenue",
					List.of(Setter.of("GroupDealFinalized", "groupDeal", "totalRevenue"))),
			new EventOnlyField(AUCTIONS, "winner", List.of(Setter.of("AuctionFinalized", "auction", "winner"))),
			new EventOnlyField(AUCTIONS, "finalPrice", List.of(Setter.of("AuctionFinalized", "auction", "finalPrice"))),
			new EventOnlyField(AUCTIONS, "finalizedAt",
					List.of(Setter.of("AuctionFinalized", "auction", "finalizedAt"))),
			new EventOnlyField(AUCTIONS, "cancelReason", List.of(Setter.toNull("AuctionCreated", "auction"),
					Setter.of("AuctionCancelled", "auction", "reason"))),
			new EventOnlyField(REDEMPTION_TICKETS, "redeemedAt",
					List.of(Setter.of("TicketRedeemed", "ticket", "redeemedAt"))));

	/** Whether the field is one of the {@link #EVENT_ONLY_FIELDS}. */
	public static boolean isEventOnly(String collection, String field) {
		return EVENT_ONLY_FIELDS.stream()
			.anyMatch(eventOnly -> eventOnly.collection().equals(collection) && eventOnly.field().equals(field));
	}

	/**
	 * Fields events set once, earliest first ({@link ReadModelChanges#setEarliest}), which a fork's re-read leaves
	 * alone: read from a state a later fork may drop, such a value no later event would correct.
	 */
	public static boolean isSetOnce(String collection, String field) {
		return USER_STATS.equals(collection) && "joinedAt".equals(field);
	}

	/** Fields set from a counter's new value in the counter's own write: a user's tier from its reputation. */
	public static List<CounterJournal.DerivedField> derivedFields() {
		return List.of(new CounterJournal.DerivedField(USER_STATS, "reputationScore", "tier", Projections::tierOf));
	}

	/** Whether a field is one of the {@link #derivedFields}. */
	public static boolean isDerived(String collection, String field) {
		return derivedFields().stream()
			.anyMatch(derived -> derived.collection().equals(collection) && derived.field().equals(field));
	}

	private static CounterSpec userStats(PdaResolver pdas, String field, Source... sources) {
		return new CounterSpec("userStats." + field, USER_STATS, field, user -> userStatsId(pdas, user),
				List.of(sources));
	}

	/** The address of a user's UserStats: the PDA {@code ["user_stats", user]}. */
	static String userStatsId(PdaResolver pdas, String user) {
		return pdas.derive("user_stats", Map.of("user", PdaResolver.key(user)));
	}

	/**
	 * The user's stats document (a PDA of the user), for an event whose instruction creates it if needed or requires
	 * it: sets its user field, its {@code lastActivity} to the block time (every such instruction sets last_activity
	 * to now, program-semantics §0; auto_award_badge, which does not, creates nothing and is not one of them), its
	 * {@code joinedAt} to the earliest such block time, touches its counters and badge list (so a new one shows them
	 * at zero and empty) and returns its id.
	 */
	static String userStats(ProjectionContext context, String user, ChainEvent event) {
		String id = userStatsId(context.pdas(), user);
		context.set(USER_STATS, id, "user", new BsonString(user));
		setNow(context, USER_STATS, id, "lastActivity", event);
		// why: joined_at is now when one of these instructions creates the account, which every other one needs
		// existing: the earliest of them is its creation (on a history synced from the program's start)
		if (event.blockTime() != null) {
			context.setEarliest(USER_STATS, id, "joinedAt", new BsonInt64(event.blockTime()));
		}
		for (String counter : USER_STATS_COUNTERS) {
			context.touch("userStats." + counter, user);
		}
		context.touch(USER_BADGES, user);
		return id;
	}

	public EventProjection projection(String event) {
		return byEvent.get(event);
	}

	public Set<String> events() {
		return byEvent.keySet();
	}

	public List<CounterSpec> counters() {
		return counters;
	}

	public List<EventReference> references() {
		return references;
	}
}
