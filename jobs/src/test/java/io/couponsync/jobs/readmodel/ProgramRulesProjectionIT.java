package io.couponsync.jobs.readmodel;

import static io.couponsync.jobs.readmodel.ProgramHistory.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.batch.JobRunner;

/**
 * The read model against the deployed program's rules, with every expected value written by hand from
 * {@code program-semantics.md} — never produced by running the simulator, which could share a projection's mistake.
 * Each rule is a short history of the program (the events each instruction emits, as the document states them),
 * applied by the real apply job over the MongoDB wire; then the fields the document says follow are checked. One
 * rule per row of the counter table (§11) and per instruction that changes the counter, one or more per fact of
 * §13, and the fields §1–§10 say events reveal.
 */
@SpringBatchTest
@JobsIntegrationTest
@TestPropertySource(properties = { "spring.datasource.url=jdbc:h2:mem:program-rules-it;DB_CLOSE_DELAY=-1" })
class ProgramRulesProjectionIT {

	private static final String AUTHORITY = key("marketplace authority");

	private static final String ALICE = key("alice");

	private static final String BOB = key("bob");

	private static final String CAROL = key("carol");

	private static final String MERCHANT_AUTHORITY = key("merchant authority");

	private static final long EXPIRY = ProgramHistory.START + 90 * 86_400;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private JobRunner runner;

	@Autowired
	@Qualifier("applyEventsJob")
	private Job applyEventsJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private ProgramDecoder decoder;

	/** A rule of the document: a history, and what the read model must then hold. */
	record Rule(String name, BiConsumer<ProgramHistory, Expected> history) {

		@Override
		public String toString() {
			return name;
		}
	}

	/** The values a rule expects, each as the document states it. */
	static final class Expected {

		record Field(String collection, String id, String field, Object value) {
		}

		final List<Field> fields = new ArrayList<>();

		final List<String[]> absentFields = new ArrayList<>();

		final List<String[]> absentDocuments = new ArrayList<>();

		Expected field(String collection, String id, String field, Object value) {
			fields.add(new Field(collection, id, field, value));
			return this;
		}

		Expected noField(String collection, String id, String field) {
			absentFields.add(new String[] { collection, id, field });
			return this;
		}

		Expected noDocument(String collection, String id) {
			absentDocuments.add(new String[] { collection, id });
			return this;
		}
	}

	@BeforeEach
	void clean() {
		database().drop();
		staging.createIndexes();
		repository.removeJobExecutions();
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	static Stream<Rule> rules() {
		return Stream.of(
				// ---- §11 counter table ----
				new Rule("§11 Marketplace.total_coupons: +1 per mint_coupon, unchanged by finalize_group_deal",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							shop.mint(ALICE);
							shop.mint(BOB);
							String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 1, 2, 1_000);
							chain.joinGroupDeal(deal, ALICE, 1, 1_000, 0);
							chain.joinGroupDeal(deal, BOB, 2, 1_000, 0);
							chain.finalizeGroupDeal(deal, 2, 0, 1_950);
							expect.field("marketplace", ProgramHistory.marketplace(), "totalCoupons", 2L);
						}),
				new Rule("§11 Marketplace.total_merchants: +1 per register_merchant", (chain, expect) -> {
					chain.initialize(AUTHORITY);
					chain.registerMerchant(key("m1"), "one");
					chain.registerMerchant(key("m2"), "two");
					expect.field("marketplace", ProgramHistory.marketplace(), "totalMerchants", 2L)
						.field("marketplace", ProgramHistory.marketplace(), "feeBasisPoints", 250L)
						.field("marketplace", ProgramHistory.marketplace(), "authority", AUTHORITY);
				}),
				new Rule("§11/§13.1 Merchant.total_coupons_created: create_promotion changes nothing", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					expect.field("merchants", shop.merchant, "totalCouponsCreated", 0L)
						.field("promotions", shop.promotion, "currentSupply", 0L);
				}),
				new Rule("§11 Merchant.total_coupons_created and Promotion.current_supply: mint_coupon +1 each",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							shop.mint(ALICE);
							shop.mint(BOB);
							shop.mint(CAROL);
							expect.field("merchants", shop.merchant, "totalCouponsCreated", 3L)
								.field("promotions", shop.promotion, "currentSupply", 3L);
						}),
				new Rule("§11/§13.5 finalize_group_deal adds its participants to the deal's promotion and merchant",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							shop.mint(ALICE);
							String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 7, 3, 1_000);
							chain.joinGroupDeal(deal, ALICE, 1, 1_000, 0);
							chain.joinGroupDeal(deal, BOB, 2, 1_000, 10);
							chain.joinGroupDeal(deal, CAROL, 3, 900, 10);
							long finalizedAt = chain.now();
							chain.finalizeGroupDeal(deal, 3, 10, 2_828);
							expect.field("merchants", shop.merchant, "totalCouponsCreated", 4L)
								.field("promotions", shop.promotion, "currentSupply", 4L)
								.field("marketplace", ProgramHistory.marketplace(), "totalCoupons", 1L)
								.field("group_deals", deal, "isActive", true)
								.field("group_deals", deal, "isFinalized", true)
								.field("group_deals", deal, "finalizedAt", finalizedAt)
								.field("group_deals", deal, "currentParticipants", 3L)
								.field("group_deals", deal, "totalEscrowed", 2_900L)
								.field("group_deals", deal, "totalRevenue", 2_828L);
						}),
				new Rule("§11/§13.2 mint_coupon raises the merchant account passed, not the promotion's merchant",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String other = chain.registerMerchant(key("other authority"), "other");
							chain.mintCoupon(shop.promotion, 0, other, ALICE, 20);
							expect.field("merchants", other, "totalCouponsCreated", 1L)
								.field("merchants", shop.merchant, "totalCouponsCreated", 0L)
								.field("promotions", shop.promotion, "currentSupply", 1L);
						}),
				new Rule("§11/§13.4 Merchant.total_coupons_redeemed: redeem_coupon +1, a ticket redemption +1 (not 2)",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String first = shop.mint(ALICE);
							String second = shop.mint(ALICE);
							chain.redeemCoupon(first, ALICE, shop.merchant, 20, 11);
							String ticket = chain.generateTicket(second, ALICE, shop.merchant, 5);
							chain.verifyAndRedeemTicket(ticket, second, ALICE, shop.merchant, 20, 5);
							expect.field("merchants", shop.merchant, "totalCouponsRedeemed", 2L)
								.field("user_stats", ProgramHistory.userStats(ALICE), "totalRedemptions", 2L)
								.field("redemption_tickets", ticket, "isConsumed", true)
								.field("coupons", second, "isRedeemed", true)
								.field("coupons", second, "redemptionCode", "TICKET-5")
								.noField("coupons", second, "id");
						}),
				new Rule("§11/§13.3 UserStats.total_purchases: mint_coupon, buy_dutch_auction and a finalize_auction sale",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String first = shop.mint(ALICE);
							String second = shop.mint(CAROL);
							long start = chain.now();
							String dutch = chain.createAuction(first, ALICE, 1, "Dutch", 1_000, 500, start + 600);
							chain.auctionFinalized(dutch, BOB,
									ProgramHistory.dutchPrice(1_000, 500, start, start + 600, chain.now()), "Dutch");
							String english = chain.createAuction(second, CAROL, 1, "English", 1_000, 1_000,
									chain.now() + 600);
							chain.placeBid(english, BOB, 1_100, 1, chain.now() + 590);
							chain.advanceClock(600);
							chain.auctionFinalized(english, BOB, 1_100, "English");
							expect.field("user_stats", ProgramHistory.userStats(ALICE), "totalPurchases", 1L)
								.field("user_stats", ProgramHistory.userStats(BOB), "totalPurchases", 2L)
								.field("user_stats", ProgramHistory.userStats(CAROL), "totalPurchases", 1L);
						}),
				new Rule("§11/§13.3 join_group_deal, buy_listing and place_bid leave total_purchases alone",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String coupon = shop.mint(ALICE);
							String listing = chain.listForSale(coupon, ALICE, 5_000);
							chain.buyListing(listing, coupon, ALICE, BOB, 5_000);
							String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 1, 2, 1_000);
							chain.joinGroupDeal(deal, CAROL, 1, 1_000, 0);
							String auction = chain.createAuction(shop.mint(ALICE), ALICE, 9, "English", 100, 100,
									chain.now() + 600);
							chain.placeBid(auction, CAROL, 150, 1, chain.now() + 590);
							// why: buy_listing does not even create the buyer's UserStats
							expect.noDocument("user_stats", ProgramHistory.userStats(BOB))
								.field("user_stats", ProgramHistory.userStats(CAROL), "totalPurchases", 0L)
								.field("user_stats", ProgramHistory.userStats(ALICE), "totalPurchases", 2L);
						}),
				new Rule("§11 UserStats.total_ratings_given: a first rating +1, a re-rating nothing", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					chain.ratePromotion(ALICE, shop.promotion, 4, false);
					chain.ratePromotion(ALICE, shop.promotion, 2, true);
					String rating = ProgramHistory.rating(ALICE, shop.promotion);
					expect.field("user_stats", ProgramHistory.userStats(ALICE), "totalRatingsGiven", 1L)
						.field("ratings", rating, "stars", 2L)
						.field("ratings", rating, "user", ALICE)
						.field("ratings", rating, "promotion", shop.promotion)
						.field("ratings", rating, "merchant", shop.merchant);
				}),
				new Rule("§0 now is the block time: created_at of promotions (§2.1), coupons (§2.2), listings (§3.1), "
						+ "ratings, comments and likes (§4); a rating's updated_at at every rate_promotion",
						(chain, expect) -> {
							chain.initialize(AUTHORITY);
							String merchant = chain.registerMerchant(MERCHANT_AUTHORITY, "Corner Cafe");
							long promotionTime = chain.now();
							String promotion = chain.createPromotion(merchant, 0, 20, 100, EXPIRY, 5_000);
							long mintTime = chain.now();
							String coupon = chain.mintCoupon(promotion, 0, merchant, ALICE, 20);
							long listTime = chain.now();
							String listing = chain.listForSale(coupon, ALICE, 5_000);
							long rateTime = chain.now();
							chain.ratePromotion(BOB, promotion, 4, false);
							chain.advanceClock(3_600);
							long rerateTime = chain.now();
							chain.ratePromotion(BOB, promotion, 2, true);
							long commentTime = chain.now();
							String comment = chain.addComment(BOB, promotion, "great", false);
							long likeTime = chain.now();
							chain.likeComment(CAROL, comment);
							String rating = ProgramHistory.rating(BOB, promotion);
							expect.field("promotions", promotion, "createdAt", promotionTime)
								.field("coupons", coupon, "createdAt", mintTime)
								.field("listings", listing, "createdAt", listTime)
								.field("ratings", rating, "createdAt", rateTime)
								.field("ratings", rating, "updatedAt", rerateTime)
								.field("comments", comment, "createdAt", commentTime)
								.field("comment_likes", ProgramHistory.commentLike(CAROL, comment), "createdAt",
										likeTime);
						}),
				new Rule("§0 now is the block time: GroupDeal.created_at (§9.1), GroupParticipant.joined_at (§9.2), "
						+ "CouponAuction.start_time (§10.1), Bid.timestamp (§10.2), ExternalDeal.last_updated on every "
						+ "update (§5.1), BadgeNFT.earned_at (§6.1, §6.2)", (chain, expect) -> {
							Shop shop = Shop.open(chain);
							String coupon = shop.mint(ALICE);
							long dealTime = chain.now();
							String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 3, 2, 1_000);
							chain.advanceClock(60);
							long joinTime = chain.now();
							chain.joinGroupDeal(deal, BOB, 1, 1_000, 0);
							chain.advanceClock(60);
							long auctionTime = chain.now();
							String auction = chain.createAuction(coupon, ALICE, 1, "English", 1_000, 1_000,
									auctionTime + 3_600);
							chain.advanceClock(60);
							long bidTime = chain.now();
							chain.placeBid(auction, BOB, 1_100, 1, auctionTime + 3_600);
							chain.advanceClock(60);
							String externalDeal = chain.updateExternalDeal("flight-1", 100);
							chain.advanceClock(60);
							long updateTime = chain.now();
							chain.updateExternalDeal("flight-1", 90);
							chain.advanceClock(60);
							long badgeTime = chain.now();
							String badge = chain.mintBadge(CAROL, "TopReviewer", 3, key("reviewer mint"));
							expect.field("group_deals", deal, "createdAt", dealTime)
								.field("group_participants", ProgramHistory.participant(deal, BOB), "joinedAt", joinTime)
								.field("auctions", auction, "startTime", auctionTime)
								.field("bids", ProgramHistory.bid(auction, BOB, 0), "timestamp", bidTime)
								.field("external_deals", externalDeal, "lastUpdated", updateTime)
								.field("badges", badge, "earnedAt", badgeTime);
						}),
				new Rule("§0 UserStats.last_activity = now for the instructions of the UserStats table; not for "
						+ "transfer_coupon, buy_listing, like_comment or either badge instruction", (chain, expect) -> {
							Shop shop = Shop.open(chain);
							long mintTime = chain.now();
							String coupon = shop.mint(ALICE);
							chain.advanceClock(600);
							chain.transferCoupon(coupon, ProgramHistory.mintOf(coupon), ALICE, BOB);
							chain.advanceClock(600);
							chain.mintBadge(ALICE, "EarlyAdopter", 4, key("badge mint"));
							chain.advanceClock(600);
							long listTime = chain.now();
							String listing = chain.listForSale(coupon, BOB, 9_000);
							chain.advanceClock(600);
							chain.buyListing(listing, coupon, BOB, CAROL, 9_000);
							chain.advanceClock(600);
							long commentTime = chain.now();
							String comment = chain.addComment(CAROL, shop.promotion, "good", false);
							chain.advanceClock(600);
							chain.likeComment(ALICE, comment);
							chain.likeComment(BOB, comment);
							expect.field("user_stats", ProgramHistory.userStats(ALICE), "lastActivity", mintTime)
								.field("user_stats", ProgramHistory.userStats(BOB), "lastActivity", listTime)
								.field("user_stats", ProgramHistory.userStats(CAROL), "lastActivity", commentTime);
						}),
				new Rule("§0 UserStats.joined_at = now of the instruction that created the account; "
						+ "later ones keep it",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							long joinTime = chain.now();
							String coupon = shop.mint(ALICE);
							chain.advanceClock(600);
							chain.addComment(ALICE, shop.promotion, "first", false);
							chain.advanceClock(600);
							long rateTime = chain.now();
							chain.ratePromotion(ALICE, shop.promotion, 3, false);
							chain.advanceClock(600);
							chain.transferCoupon(coupon, ProgramHistory.mintOf(coupon), ALICE, BOB);
							chain.advanceClock(600);
							long bobJoinTime = chain.now();
							chain.listForSale(coupon, BOB, 900);
							expect.field("user_stats", ProgramHistory.userStats(ALICE), "joinedAt", joinTime)
								.field("user_stats", ProgramHistory.userStats(ALICE), "lastActivity", rateTime)
								// the transfer creates no stats: BOB's begin with his listing
								.field("user_stats", ProgramHistory.userStats(BOB), "joinedAt", bobJoinTime);
						}),
				new Rule("§11 UserStats.total_comments and Comment.likes: add_comment +1, like_comment +1",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String comment = chain.addComment(ALICE, shop.promotion, "great", false);
							chain.likeComment(BOB, comment);
							chain.likeComment(CAROL, comment);
							expect.field("user_stats", ProgramHistory.userStats(ALICE), "totalComments", 1L)
								.field("comments", comment, "likes", 2L)
								.field("comments", comment, "isReply", false)
								.field("comment_likes", ProgramHistory.commentLike(BOB, comment), "comment", comment)
								.noDocument("user_stats", ProgramHistory.userStats(BOB));
						}),
				new Rule("§11 UserStats.total_listings: list_for_sale +1, create_auction +1", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					chain.listForSale(coupon, ALICE, 2_000);
					chain.createAuction(coupon, ALICE, 3, "SealedBid", 100, 500, chain.now() + 900);
					expect.field("user_stats", ProgramHistory.userStats(ALICE), "totalListings", 2L);
				}),
				new Rule("§11/§13.6 GroupDeal.current_participants and total_escrowed: joins add, refunds take nothing off",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 4, 5, 2_000);
							chain.joinGroupDeal(deal, ALICE, 1, 2_000, 0);
							chain.joinGroupDeal(deal, BOB, 2, 2_000, 5);
							chain.advanceClock(86_400);
							chain.refundGroupDeal(deal, ALICE, 2_000);
							expect.field("group_deals", deal, "currentParticipants", 2L)
								.field("group_deals", deal, "totalEscrowed", 4_000L)
								.field("group_deals", deal, "isActive", true)
								.field("group_deals", deal, "isFinalized", false)
								.field("group_participants", ProgramHistory.participant(deal, ALICE), "isRefunded",
										true)
								.field("group_participants", ProgramHistory.participant(deal, BOB), "isRefunded",
										false)
								.field("group_participants", ProgramHistory.participant(deal, ALICE),
										"amountEscrowed", 2_000L)
								.field("user_stats", ProgramHistory.userStats(BOB), "totalPurchases", 0L);
						}),
				new Rule("§11 CouponAuction.bid_count and end_time: place_bid sets both from BidPlaced",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							long end = chain.now() + 600;
							String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "English", 100, 100, end);
							chain.placeBid(auction, BOB, 200, 1, end);
							// why: under 300 s left, the bid extends the end by 300 (§10.2)
							chain.advanceClock(400);
							chain.placeBid(auction, CAROL, 300, 2, end + 300);
							expect.field("auctions", auction, "bidCount", 2L)
								.field("auctions", auction, "endTime", end + 300);
						}),
				new Rule("§11/§13.13 ExternalDeal.verification_count: 1 when new, +1 per update; Skyscanner, verified",
						(chain, expect) -> {
							String deal = chain.updateExternalDeal("FLIGHT-42", 800);
							chain.advanceClock(3_600);
							chain.updateExternalDeal("FLIGHT-42", 750);
							expect.field("external_deals", deal, "verificationCount", 2L)
								.field("external_deals", deal, "discountedPrice", 750L)
								.field("external_deals", deal, "source", "Skyscanner")
								.field("external_deals", deal, "isVerified", true)
								.field("external_deals", deal, "externalId", "FLIGHT-42");
						}),
				new Rule("§11/§13.15 StakingPool.total_staked ±1,000,000; total_rewards_distributed += rewards",
						(chain, expect) -> {
							chain.stakeCoupon(ALICE, 7, 10);
							chain.stakeCoupon(BOB, 30, 10);
							// why: rewards count whole days to the claim: 1,000,000 × 10 × 8 / 10,000
							chain.advanceClock(8 * 86_400);
							chain.claimRewards(ALICE, 8_000);
							String pool = ProgramHistory.stakingPool();
							expect.field("staking_pool", pool, "totalStaked", 1_000_000L)
								.field("staking_pool", pool, "totalRewardsDistributed", 8_000L)
								.field("stakers", ALICE, "staked", 0L)
								.field("stakers", ALICE, "rewardsClaimed", 8_000L)
								.field("stakers", BOB, "staked", 1_000_000L);
						}),

				// ---- §13 facts ----
				new Rule("§13.7 a coupon minted by mint_group_coupon has no event: only its later owner change shows",
						(chain, expect) -> {
							String groupCoupon = ProgramHistory.pda("group_coupon", ProgramHistory.pubkey(key("deal")),
									ProgramHistory.pubkey(ALICE));
							chain.transferCoupon(groupCoupon, "11111111111111111111111111111111", ALICE, BOB);
							expect.field("coupons", groupCoupon, "owner", BOB).noField("coupons", groupCoupon, "mint");
						}),
				new Rule("§13.8 seed widths: a bid's index is bid_count before the bid (u32); a badge's type is one byte",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							long end = chain.now() + 600;
							String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "SealedBid", 100, 500, end);
							chain.placeBid(auction, BOB, 150, 1, end);
							chain.placeBid(auction, BOB, 170, 2, end);
							String mint = key("badge mint");
							String badge = chain.mintBadge(CAROL, "TopReviewer", 3, mint);
							expect.field("bids", ProgramHistory.bid(auction, BOB, 0), "amount", 150L)
								.field("bids", ProgramHistory.bid(auction, BOB, 1), "amount", 170L)
								.field("badges", badge, "mint", mint)
								.field("badges", badge, "user", CAROL)
								.field("badges", badge, "badgeType", "TopReviewer");
						}),
				new Rule("§13.9 English auction: current bid starts at the starting price, every bid is_winning",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							long end = chain.now() + 600;
							String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "English", 1_000, 800, end);
							chain.placeBid(auction, BOB, 1_100, 1, end);
							chain.placeBid(auction, CAROL, 1_200, 2, end);
							expect.field("auctions", auction, "currentBid", 1_200L)
								.field("auctions", auction, "highestBidder", CAROL)
								.field("auctions", auction, "extensionSeconds", 300L)
								.field("bids", ProgramHistory.bid(auction, BOB, 0), "isWinning", true)
								.field("bids", ProgramHistory.bid(auction, BOB, 0), "isRefunded", false)
								.field("bids", ProgramHistory.bid(auction, CAROL, 1), "isWinning", true);
						}),
				new Rule("§13.9 sealed-bid bids change neither current_bid nor highest_bidder; is_winning false",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							long end = chain.now() + 600;
							String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "SealedBid", 1_000, 5_000,
									end);
							chain.placeBid(auction, BOB, 1_500, 1, end);
							expect.field("auctions", auction, "currentBid", 0L)
								.field("auctions", auction, "highestBidder", null)
								.field("auctions", auction, "bidCount", 1L)
								.field("bids", ProgramHistory.bid(auction, BOB, 0), "isWinning", false)
								.field("bids", ProgramHistory.bid(auction, BOB, 0), "isRefunded", false);
						}),
				new Rule("§13.10 AuctionCancelled 'Reserve price not met': the account stays, finalized",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "Dutch", 1_000, 500,
									chain.now() + 600);
							chain.advanceClock(600);
							chain.auctionCancelled(auction, "Reserve price not met");
							expect.field("auctions", auction, "isActive", false)
								.field("auctions", auction, "isFinalized", true)
								.noField("auctions", auction, "orphaned");
						}),
				new Rule("§13.10 AuctionCancelled 'Cancelled by seller': the account is closed", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "English", 1_000, 500,
							chain.now() + 600);
					chain.auctionCancelled(auction, "Cancelled by seller");
					expect.field("auctions", auction, "currentBid", 1_000L)
						.field("auctions", auction, "orphaned", true)
						.field("auctions", auction, "orphanReason", "closed")
						.field("auctions", auction, "isFinalized", false);
				}),
				new Rule("§13.11 ownership moves with transfer, listing sale, Dutch buy and auction sale",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String coupon = shop.mint(ALICE);
							chain.transferCoupon(coupon, ProgramHistory.mintOf(coupon), ALICE, ALICE);
							chain.transferCoupon(coupon, ProgramHistory.mintOf(coupon), ALICE, BOB);
							String listing = chain.listForSale(coupon, BOB, 500);
							chain.buyListing(listing, coupon, BOB, CAROL, 500);
							long start = chain.now();
							String dutch = chain.createAuction(coupon, CAROL, 2, "Dutch", 900, 100, start + 600);
							long price = ProgramHistory.dutchPrice(900, 100, start, start + 600, chain.now());
							chain.auctionFinalized(dutch, ALICE, price, "Dutch");
							expect.field("coupons", coupon, "owner", ALICE)
								.field("coupons", coupon, "mint", ProgramHistory.mintOf(coupon))
								.field("listings", listing, "isActive", false)
								.field("listings", listing, "buyer", CAROL)
								.field("listings", listing, "marketplaceFee", 12L)
								.field("auctions", dutch, "currentBid", 887L)
								.field("auctions", dutch, "highestBidder", ALICE)
								.field("auctions", dutch, "isFinalized", true);
						}),
				new Rule("§13.12 a cancelled listing stays on chain, inactive", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					String listing = chain.listForSale(coupon, ALICE, 500);
					chain.cancelListing(listing, coupon, ALICE);
					expect.field("listings", listing, "isActive", false)
						.field("listings", listing, "price", 500L)
						.field("listings", listing, "seller", ALICE)
						.noField("listings", listing, "orphaned");
				}),
				new Rule("§0/§6 UserStats.reputation_score: the rep column summed; tier from the score; "
						+ "auto_award_badge adds by badge and appends to badges_earned, mint_badge neither",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String coupon = shop.mint(ALICE);
							chain.ratePromotion(ALICE, shop.promotion, 4, false);
							chain.ratePromotion(ALICE, shop.promotion, 5, true);
							chain.addComment(ALICE, shop.promotion, "nice", false);
							String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 7, 5, 1_000);
							chain.joinGroupDeal(deal, ALICE, 1, 1_000, 0);
							chain.redeemCoupon(coupon, ALICE, shop.merchant, 20, 0);
							String second = shop.mint(ALICE);
							String ticket = chain.generateTicket(second, ALICE, shop.merchant, 3);
							chain.verifyAndRedeemTicket(ticket, second, ALICE, shop.merchant, 20, 3);
							String third = shop.mint(BOB);
							chain.listForSale(third, BOB, 700);
							String auction = chain.createAuction(shop.mint(BOB), BOB, 1, "English", 100, 100,
									chain.now() + 900);
							chain.placeBid(auction, ALICE, 200, 1, chain.now() + 900);
							chain.auctionFinalized(auction, ALICE, 200, "English");
							chain.autoAwardBadge(ALICE, "EarlyAdopter", 4, key("alice early"));
							chain.mintBadge(ALICE, "CommunityModerator", 6, key("alice moderator"));
							chain.autoAwardBadge(ALICE, "FirstPurchase", 0, key("alice first"));
							String awarded = chain.autoAwardBadge(BOB, "TopReviewer", 3, key("bob reviewer"));
							String minted = chain.mintBadge(BOB, "FirstPurchase", 0, key("bob first"));
							// ALICE: mint +5, first rating +2, re-rating 0, comment +1, join +3, redeem +10, mint +5,
							// ticket redemption +10 (two events, one change), bid +2, auction won +5, EarlyAdopter
							// awarded +500, CommunityModerator minted 0, FirstPurchase awarded +10
							expect.field("user_stats", ProgramHistory.userStats(ALICE), "reputationScore", 553L)
								.field("user_stats", ProgramHistory.userStats(ALICE), "tier", "Gold")
								// §6.2: the awarded badges' bytes in the order awarded; the minted one is not there
								.field("user_stats", ProgramHistory.userStats(ALICE), "badgesEarned",
										new byte[] { 4, 0 })
								.field("user_stats", ProgramHistory.userStats(BOB), "badgesEarned", new byte[] { 3 })
								// BOB: two mints +10, listing +3, auction +5, TopReviewer awarded +100, FirstPurchase
								// minted 0
								.field("user_stats", ProgramHistory.userStats(BOB), "reputationScore", 118L)
								.field("user_stats", ProgramHistory.userStats(BOB), "tier", "Silver")
								// CAROL organized a deal: no UserStats instruction
								.noDocument("user_stats", ProgramHistory.userStats(CAROL))
								// §6: the metadata_uri each instruction writes; the awarded badge's metadata is the
								// Metaplex metadata PDA of its mint, ["metadata", metadata program, mint]
								.field("badges", awarded, "metadataUri", "https://api.dealdiscovery.com/badges/3.json")
								.field("badges", awarded, "metadata", ProgramHistory.metaplexMetadata(key("bob reviewer")))
								.field("badges", minted, "metadataUri", "https://example.com/badge.json")
								.noField("badges", minted, "metadata");
						}),
				new Rule("§13.14 mint_badge's BadgeEarned changes no UserStats",
						(chain, expect) -> {
							String badge = chain.mintBadge(ALICE, "EarlyAdopter", 4, key("early mint"));
							expect.field("badges", badge, "badgeType", "EarlyAdopter")
								.noDocument("user_stats", ProgramHistory.userStats(ALICE));
						}),
				new Rule("§13.17 GroupDealJoined: amount priced before the join, discount after", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 1, 2, 1_000);
					chain.joinGroupDeal(deal, ALICE, 1, 1_000, 10);
					expect.field("group_participants", ProgramHistory.participant(deal, ALICE), "amountEscrowed",
							1_000L)
						.noField("group_participants", ProgramHistory.participant(deal, ALICE), "couponMinted")
						.field("group_deals", deal, "currentDiscount", 10L)
						.field("group_deals", deal, "escrowVault", ProgramHistory.groupEscrow(deal));
				}),

				new Rule("§10.5/§14 an auction closed by its seller can be created again: the new one is live",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String coupon = shop.mint(ALICE);
							String auction = chain.createAuction(coupon, ALICE, 1, "English", 1_000, 500,
									chain.now() + 600);
							chain.auctionCancelled(auction, "Cancelled by seller");
							chain.transferCoupon(coupon, ProgramHistory.mintOf(coupon), ALICE, BOB);
							long end = chain.now() + 900;
							chain.createAuction(coupon, BOB, 1, "SealedBid", 200, 900, end);
							chain.placeBid(auction, CAROL, 300, 1, end);
							expect.field("auctions", auction, "seller", BOB)
								.field("auctions", auction, "auctionType", "SealedBid")
								.field("auctions", auction, "currentBid", 0L)
								.field("auctions", auction, "cancelReason", null)
								.noField("auctions", auction, "orphaned")
								.field("bids", ProgramHistory.bid(auction, CAROL, 0), "isWinning", false);
						}),
				new Rule("§13.11 redeem_coupon with another mint: the coupon's mint stays its own", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					chain.redeemCoupon(coupon, key("another mint"), ALICE, shop.merchant, 20, 7);
					expect.field("coupons", coupon, "mint", ProgramHistory.mintOf(coupon))
						.field("coupons", coupon, "isRedeemed", true);
				}),
				new Rule("§13.1 a merchant's next promotion is seeded by the counter after its mints", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					shop.mint(ALICE);
					shop.mint(BOB);
					String second = chain.createPromotion(shop.merchant, 2, 15, 10, EXPIRY, 900);
					expect.field("promotions", second, "merchant", shop.merchant)
						.field("promotions", second, "currentSupply", 0L)
						.field("promotions", shop.promotion, "currentSupply", 2L)
						.field("merchants", shop.merchant, "totalCouponsCreated", 2L);
				}),
				new Rule("§0 only the nine init_if_needed instructions create UserStats", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					String dave = key("dave");
					String erin = key("erin");
					chain.transferCoupon(coupon, ProgramHistory.mintOf(coupon), ALICE, dave);
					chain.generateTicket(coupon, dave, shop.merchant, 1);
					String deal = chain.createGroupDeal(shop.promotion, shop.merchant, erin, 3, 2, 1_000);
					chain.stakeCoupon(key("frank"), 7, 10);
					chain.joinGroupDeal(deal, BOB, 1, 1_000, 0);
					chain.advanceClock(86_400);
					chain.refundGroupDeal(deal, BOB, 1_000);
					expect.noDocument("user_stats", ProgramHistory.userStats(dave))
						.noDocument("user_stats", ProgramHistory.userStats(erin))
						.noDocument("user_stats", ProgramHistory.userStats(key("frank")))
						.noDocument("user_stats", ProgramHistory.userStats(MERCHANT_AUTHORITY))
						.field("user_stats", ProgramHistory.userStats(BOB), "totalPurchases", 0L)
						// why: mint_coupon +5 (§0); the transfer, the ticket and the refund add nothing
						.field("user_stats", ProgramHistory.userStats(ALICE), "reputationScore", 5L)
						.field("user_stats", ProgramHistory.userStats(ALICE), "tier", "Bronze")
						// §0: a new UserStats holds no badge
						.field("user_stats", ProgramHistory.userStats(ALICE), "badgesEarned", new byte[0]);
				}),
				new Rule("§8.2 TicketRedeemed alone (logs cut after it) counts no redemption", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					String ticket = chain.generateTicket(coupon, ALICE, shop.merchant, 9);
					chain.verifyAndRedeemTicketTruncated(ticket, coupon, ALICE, shop.merchant);
					expect.field("merchants", shop.merchant, "totalCouponsRedeemed", 0L)
						.field("user_stats", ProgramHistory.userStats(ALICE), "totalRedemptions", 0L)
						.field("redemption_tickets", ticket, "isConsumed", true)
						.field("redemption_tickets", ticket, "ticketHash",
								ProgramHistory.ticketHash(coupon, ALICE, 9))
						.field("coupons", coupon, "isRedeemed", true);
				}),
				new Rule("§4.2/§12 a comment that is no reply has no parent; merchant-reply flags come from accounts",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String top = chain.addComment(ALICE, shop.promotion, "first", false);
							String reply = chain.addComment(BOB, shop.promotion, "re", true);
							expect.field("comments", top, "parentComment", null)
								.noField("comments", reply, "parentComment")
								.noField("comments", top, "isMerchantReply")
								.field("comments", reply, "isReply", true);
						}),

				// ---- fields §1–§10 say an instruction writes with a value the events determine ----
				new Rule("§2.1 a promotion's location is all zero, not the merchant's", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					expect.field("promotions", shop.promotion, "geoCellId", 0L)
						.field("promotions", shop.promotion, "radiusMeters", 0L)
						.field("promotions", shop.promotion, "isLocationBased", false)
						.field("promotions", shop.promotion, "isActive", true)
						.field("promotions", shop.promotion, "location",
								new Document(Map.of("latitude", 0, "longitude", 0, "regionCode", 0, "countryCode", 0,
										"cityHash", 0L)));
				}),
				new Rule("§2.2 a minted coupon: the promotion's expiry, the constant metadata URI, not redeemed",
						(chain, expect) -> {
							Shop shop = Shop.open(chain);
							String coupon = shop.mint(ALICE);
							expect.field("coupons", coupon, "expiryTimestamp", EXPIRY)
								.field("coupons", coupon, "metadataUri", "https://example.com/metadata.json")
								.field("coupons", coupon, "isRedeemed", false)
								.field("coupons", coupon, "redeemedAt", 0L)
								.field("coupons", coupon, "owner", ALICE)
								.field("coupons", coupon, "merchant", shop.merchant)
								.field("coupons", coupon, "discountPercentage", 20L);
						}),
				new Rule("§2.4 redeem_coupon's code REDEEMED-<id> reveals the coupon's id", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					long redeemedAt = chain.now();
					chain.redeemCoupon(coupon, ALICE, shop.merchant, 20, 4_242);
					expect.field("coupons", coupon, "id", 4_242L)
						.field("coupons", coupon, "isRedeemed", true)
						.field("coupons", coupon, "redeemedAt", redeemedAt);
				}),
				new Rule("§8.1 a ticket's created_at is its expiry minus 300", (chain, expect) -> {
					Shop shop = Shop.open(chain);
					String coupon = shop.mint(ALICE);
					long generatedAt = chain.now();
					String ticket = chain.generateTicket(coupon, ALICE, shop.merchant, 3);
					expect.field("redemption_tickets", ticket, "createdAt", generatedAt)
						.field("redemption_tickets", ticket, "expiresAt", generatedAt + 300)
						.field("redemption_tickets", ticket, "isConsumed", false)
						.field("redemption_tickets", ticket, "nonce", 3L);
				}));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rules")
	void readModelFollowsTheProgram(Rule rule) throws Exception {
		ProgramHistory chain = new ProgramHistory(decoder.idl());
		Expected expected = new Expected();
		rule.history().accept(chain, expected);
		staging.insertIfAbsent(chain.transactions());

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(database().getCollection("dead_letters").countDocuments()).as("dead letters").isZero();
		for (Expected.Field field : expected.fields) {
			Document document = database().getCollection(field.collection()).find(new Document("_id", field.id()))
				.first();
			assertThat(document).as("%s/%s", field.collection(), field.id()).isNotNull();
			assertThat(document).as("%s/%s has %s", field.collection(), field.id(), field.field())
				.containsKey(field.field());
			assertThat(comparable(document.get(field.field())))
				.as("%s/%s.%s", field.collection(), field.id(), field.field()).isEqualTo(comparable(field.value()));
		}
		for (String[] absent : expected.absentFields) {
			Document document = database().getCollection(absent[0]).find(new Document("_id", absent[1])).first();
			assertThat(document).as("%s/%s", absent[0], absent[1]).isNotNull().doesNotContainKey(absent[2]);
		}
		for (String[] absent : expected.absentDocuments) {
			assertThat(database().getCollection(absent[0]).countDocuments(new Document("_id", absent[1])))
				.as("%s/%s", absent[0], absent[1]).isZero();
		}
	}

	@Test
	void aTransactionWithAnEventThatIsNeverEmittedIsDeadLetteredAndTheRestApplies() throws Exception {
		ProgramHistory chain = new ProgramHistory(decoder.idl());
		Shop shop = Shop.open(chain);
		chain.merchantRated(shop.merchant, ALICE);
		shop.mint(ALICE);
		staging.insertIfAbsent(chain.transactions());

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		Document dead = database().getCollection("dead_letters").find().first();
		assertThat(dead).isNotNull();
		assertThat(dead.getList("reasons", String.class)).singleElement().asString()
			.contains("MerchantRated").contains("no projection");
		assertThat(database().getCollection("merchants").find(new Document("_id", shop.merchant)).first()
			.get("totalCouponsCreated")).isEqualTo(1L);
	}

	@Test
	void anAuctionWithoutBidsHoldsItsBidCountAtTheAccountsWidth() throws Exception {
		ProgramHistory chain = new ProgramHistory(decoder.idl());
		Shop shop = Shop.open(chain);
		String auction = chain.createAuction(shop.mint(ALICE), ALICE, 1, "English", 100, 100, chain.now() + 600);
		staging.insertIfAbsent(chain.transactions());

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(database().getCollection("auctions").find(new Document("_id", auction)).first().get("bidCount"))
			.as("u32, as BidPlaced's bid_count and the account's").isInstanceOf(Integer.class).isEqualTo(0);
	}

	@Test
	void groupDealFinalizationWaitsForItsCreationAndCountsOnceItArrives() throws Exception {
		ProgramHistory chain = new ProgramHistory(decoder.idl());
		Shop shop = Shop.open(chain);
		String deal = chain.createGroupDeal(shop.promotion, shop.merchant, CAROL, 1, 2, 1_000);
		chain.joinGroupDeal(deal, ALICE, 1, 1_000, 0);
		chain.joinGroupDeal(deal, BOB, 2, 1_000, 0);
		chain.finalizeGroupDeal(deal, 2, 0, 1_950);
		var creation = chain.transactions().get(3);
		var rest = new ArrayList<>(chain.transactions());
		rest.remove(creation);
		staging.insertIfAbsent(rest);

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(database().getCollection("promotions").find(new Document("_id", shop.promotion)).first()
			.get("currentSupply")).as("the finalization waits: its deal's creation is not staged").isEqualTo(0L);

		staging.insertIfAbsent(List.of(creation));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(database().getCollection("promotions").find(new Document("_id", shop.promotion)).first()
			.get("currentSupply")).isEqualTo(2L);
		assertThat(database().getCollection("merchants").find(new Document("_id", shop.merchant)).first()
			.get("totalCouponsCreated")).isEqualTo(2L);
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "applied")))
			.isEqualTo(chain.transactions().size());
	}

	/** Numbers by value (Int32, Int64 and Decimal128 alike), binary as bytes, everything else as it is. */
	private static Object comparable(Object value) {
		if (value instanceof Number number) {
			return new java.math.BigDecimal(number.toString()).stripTrailingZeros();
		}
		if (value instanceof Binary binary) {
			return java.util.HexFormat.of().formatHex(binary.getData());
		}
		if (value instanceof byte[] bytes) {
			return java.util.HexFormat.of().formatHex(bytes);
		}
		if (value instanceof Document document) {
			Map<String, Object> normalized = new java.util.TreeMap<>();
			document.forEach((field, inner) -> normalized.put(field, comparable(inner)));
			return normalized;
		}
		return value;
	}

	/** A marketplace with one merchant and one promotion (discount 20 %, supply 100), the start of most rules. */
	private static final class Shop {

		final ProgramHistory chain;

		final String merchant;

		final String promotion;

		private long supply;

		private Shop(ProgramHistory chain, String merchant, String promotion) {
			this.chain = chain;
			this.merchant = merchant;
			this.promotion = promotion;
		}

		static Shop open(ProgramHistory chain) {
			chain.initialize(AUTHORITY);
			String merchant = chain.registerMerchant(MERCHANT_AUTHORITY, "Corner Cafe");
			return new Shop(chain, merchant, chain.createPromotion(merchant, 0, 20, 100, EXPIRY, 5_000));
		}

		String mint(String recipient) {
			return chain.mintCoupon(promotion, supply++, merchant, recipient, 20);
		}
	}
}
