package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.key;

import java.util.List;
import java.util.Map;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * The coupon marketplace program, executed off-chain as the deployed program does (the project's document of its
 * semantics is the reference): each instruction checks its preconditions, changes its accounts at their PDA
 * addresses, emits its events as {@code Program data:} log lines, and lands as one transaction on the ledger.
 * Accounts and events are Borsh-encoded from the IDL, so the ledger's accounts are the ground truth the events
 * describe. A violated precondition is an {@link InstructionRejected}, and nothing lands.
 * <p>
 * This is the façade: each domain (merchants and promotions, coupons and listings, community, group deals,
 * auctions, redemption tickets, staking, badges, external deals) lives in a class of its own. Most instructions
 * come in two forms: one that passes the accounts a well-formed client derives from the chain's state, and one
 * that takes the accounts the program does not derive itself, to exercise its checks (and its missing ones).
 */
public final class MarketplaceProgram {

	private final ProgramRuntime runtime;

	private final Merchants merchants;

	private final Coupons coupons;

	private final Community community;

	private final GroupDeals groupDeals;

	private final Auctions auctions;

	private final RedemptionTickets tickets;

	private final Staking staking;

	private final Badges badges;

	private final ExternalDeals externalDeals;

	public MarketplaceProgram(Idl idl, String programId, Ledger ledger) {
		this.runtime = new ProgramRuntime(idl, programId, ledger);
		UserStatsBook userStats = new UserStatsBook(runtime);
		TokenAccounts tokens = new TokenAccounts(runtime.pdas());
		this.merchants = new Merchants(runtime);
		this.coupons = new Coupons(runtime, userStats, tokens);
		this.community = new Community(runtime, userStats);
		this.groupDeals = new GroupDeals(runtime, userStats);
		this.auctions = new Auctions(runtime, userStats, coupons);
		this.tickets = new RedemptionTickets(runtime, userStats, tokens, coupons);
		this.staking = new Staking(runtime, tokens);
		this.badges = new Badges(runtime, userStats, tokens);
		this.externalDeals = new ExternalDeals(runtime);
	}

	/**
	 * A precondition of the instruction does not hold; nothing was submitted. {@link #error()} is the name of the
	 * program's (or Anchor's, or the runtime's) error, e.g. {@code NotCouponOwner} or {@code AccountAlreadyInUse}.
	 */
	public static final class InstructionRejected extends RuntimeException {

		private final String error;

		InstructionRejected(String error, String detail) {
			super(error + ": " + detail, null, false, false);
			this.error = error;
		}

		public String error() {
			return error;
		}
	}

	public Ledger ledger() {
		return runtime.ledger();
	}

	public String programId() {
		return runtime.programId();
	}

	public Idl idl() {
		return runtime.idl();
	}

	BorshEncoder encoder() {
		return runtime.encoder();
	}

	ProgramDecoder decoder() {
		return runtime.decoder();
	}

	/** The Clock sysvar's unix_timestamp an instruction landing now would read. */
	long now() {
		return runtime.now();
	}

	// ---- addresses (document §14) ----

	public String marketplaceAddress() {
		return runtime.pdas().marketplace();
	}

	public String stakingPoolAddress() {
		return runtime.pdas().stakingPool();
	}

	public String merchantAddress(String authority) {
		return runtime.pdas().merchant(authority);
	}

	public String promotionAddress(String merchant, long index) {
		return runtime.pdas().promotion(merchant, index);
	}

	public String couponAddress(String promotion, long supplyIndex) {
		return runtime.pdas().coupon(promotion, supplyIndex);
	}

	public String groupCouponAddress(String groupDeal, String user) {
		return runtime.pdas().groupCoupon(groupDeal, user);
	}

	public String listingAddress(String coupon) {
		return runtime.pdas().listing(coupon);
	}

	public String userStatsAddress(String user) {
		return runtime.pdas().userStats(user);
	}

	public String ratingAddress(String user, String promotion) {
		return runtime.pdas().rating(user, promotion);
	}

	public String commentAddress(String user, String promotion) {
		return runtime.pdas().comment(user, promotion);
	}

	public String commentLikeAddress(String user, String comment) {
		return runtime.pdas().commentLike(user, comment);
	}

	public String groupDealAddress(String promotion, long dealId) {
		return runtime.pdas().groupDeal(promotion, dealId);
	}

	public String groupEscrowAddress(String groupDeal) {
		return runtime.pdas().groupEscrow(groupDeal);
	}

	public String participantAddress(String groupDeal, String user) {
		return runtime.pdas().participant(groupDeal, user);
	}

	public String auctionAddress(String coupon, long auctionId) {
		return runtime.pdas().auction(coupon, auctionId);
	}

	public String bidAddress(String auction, String bidder, long bidIndex) {
		return runtime.pdas().bid(auction, bidder, bidIndex);
	}

	public String auctionEscrowAddress(String auction) {
		return runtime.pdas().auctionEscrow(auction);
	}

	public String ticketAddress(String coupon, String user, long nonce) {
		return runtime.pdas().ticket(coupon, user, nonce);
	}

	public String stakeAddress(String coupon, String user) {
		return runtime.pdas().stake(coupon, user);
	}

	public String stakeVaultAddress(String nftMint) {
		return runtime.pdas().stakeVault(nftMint);
	}

	public String externalDealAddress(String externalId) {
		return runtime.pdas().externalDeal(externalId);
	}

	/** {@code ["badge", user, badge type byte]}, shared by mint_badge and auto_award_badge. */
	public String badgeAddress(String user, String badgeType) {
		return runtime.pdas().badge(user, runtime.variantIndex("BadgeType", badgeType));
	}

	/** The owner's associated token account for the mint, where the program mints and burns coupon NFTs. */
	public String tokenAccountAddress(String owner, String mint) {
		return runtime.pdas().associatedTokenAccount(owner, mint);
	}

	// ---- marketplace, merchants, promotions (§1, §2.1) ----

	public LedgerTransaction initialize(String authority, Shape shape) {
		return runtime.execute(() -> merchants.initialize(authority, shape));
	}

	public LedgerTransaction registerMerchant(String authority, String name, String category, Double latitude,
			Double longitude, Shape shape) {
		return runtime.execute(() -> merchants.registerMerchant(authority, name, category, latitude, longitude, shape));
	}

	/** For the signer's own merchant. */
	public LedgerTransaction createPromotion(String authority, int discountPercentage, long maxSupply, long expiry,
			String category, String description, long price, Shape shape) {
		return createPromotion(authority, merchantAddress(authority), discountPercentage, maxSupply, expiry, category,
				description, price, shape);
	}

	/** For any merchant: the program does not check the signer. */
	public LedgerTransaction createPromotion(String authority, String merchant, int discountPercentage,
			long maxSupply, long expiry, String category, String description, long price, Shape shape) {
		return runtime.execute(() -> merchants.createPromotion(authority, merchant, discountPercentage, maxSupply,
				expiry, category, description, price, shape));
	}

	// ---- coupons and listings (§2.2–§3) ----

	/** Passes the promotion's own merchant. */
	public LedgerTransaction mintCoupon(String merchantAuthority, String promotion, String recipient, long couponId,
			String nftMint, Shape shape) {
		String merchant = key(runtime.readExisting(promotion, "Promotion").get("merchant"));
		return mintCoupon(merchantAuthority, promotion, merchant, recipient, couponId, nftMint, shape);
	}

	/** Passes any merchant: the program neither links it to the promotion nor checks the signer. */
	public LedgerTransaction mintCoupon(String authority, String promotion, String merchant, String recipient,
			long couponId, String nftMint, Shape shape) {
		return runtime.execute(() -> coupons.mintCoupon(authority, promotion, merchant, recipient, couponId, nftMint,
				shape));
	}

	public LedgerTransaction transferCoupon(String from, String coupon, String to, Shape shape) {
		return runtime.execute(() -> coupons.transferCoupon(from, coupon, to, shape));
	}

	/**
	 * Redeems with the coupon's own mint (the default key for a group coupon, which has none), its merchant and
	 * that merchant's authority.
	 */
	public LedgerTransaction redeemCoupon(String user, String coupon, Shape shape) {
		Map<String, Object> state = runtime.readExisting(coupon, "Coupon");
		return redeemCoupon(user, coupon, Values.mintOrDefault(state), shape);
	}

	/** Burns a token of the mint passed, which the program does not check against the coupon's. */
	public LedgerTransaction redeemCoupon(String user, String coupon, String nftMint, Shape shape) {
		String merchant = key(runtime.readExisting(coupon, "Coupon").get("merchant"));
		String authority = key(runtime.readExisting(merchant, "Merchant").get("authority"));
		return redeemCoupon(user, coupon, nftMint, merchant, authority, shape);
	}

	public LedgerTransaction redeemCoupon(String user, String coupon, String nftMint, String merchant,
			String merchantAuthority, Shape shape) {
		return runtime.execute(() -> coupons.redeemCoupon(user, coupon, nftMint, merchant, merchantAuthority, shape));
	}

	public LedgerTransaction listForSale(String seller, String coupon, long price, Shape shape) {
		return runtime.execute(() -> coupons.listForSale(seller, coupon, price, shape));
	}

	/** With the listing's coupon and seller and the marketplace's authority. */
	public LedgerTransaction buyListing(String buyer, String listing, Shape shape) {
		Map<String, Object> listed = runtime.readExisting(listing, "Listing");
		return buyListing(buyer, listing, key(listed.get("coupon")), key(listed.get("seller")), marketplaceAuthority(),
				shape);
	}

	public LedgerTransaction buyListing(String buyer, String listing, String coupon, String seller,
			String marketplaceAuthority, Shape shape) {
		return runtime.execute(() -> coupons.buyListing(buyer, listing, coupon, seller, marketplaceAuthority, shape));
	}

	public LedgerTransaction cancelListing(String seller, String listing, Shape shape) {
		return runtime.execute(() -> coupons.cancelListing(seller, listing, shape));
	}

	// ---- community (§4) ----

	public LedgerTransaction ratePromotion(String user, String promotion, int stars, Shape shape) {
		return runtime.execute(() -> community.ratePromotion(user, promotion, stars, shape));
	}

	/** Passes the promotion's merchant, so a comment by that merchant's authority is a merchant reply. */
	public LedgerTransaction addComment(String user, String promotion, String content, String parentComment,
			Shape shape) {
		String merchant = key(runtime.readExisting(promotion, "Promotion").get("merchant"));
		return addComment(user, promotion, merchant, content, parentComment, shape);
	}

	public LedgerTransaction addComment(String user, String promotion, String merchant, String content,
			String parentComment, Shape shape) {
		return runtime.execute(() -> community.addComment(user, promotion, merchant, content, parentComment, shape));
	}

	public LedgerTransaction likeComment(String user, String comment, Shape shape) {
		return runtime.execute(() -> community.likeComment(user, comment, shape));
	}

	// ---- group deals (§9) ----

	/** For the promotion's own merchant; tiers are {min_participants, discount_percentage} pairs. */
	public LedgerTransaction createGroupDeal(String organizer, String promotion, long dealId, long target,
			long maxParticipants, long basePrice, List<long[]> tiers, long durationSeconds, Shape shape) {
		String merchant = key(runtime.readExisting(promotion, "Promotion").get("merchant"));
		return createGroupDeal(organizer, promotion, merchant, dealId, target, maxParticipants, basePrice, tiers,
				durationSeconds, shape);
	}

	public LedgerTransaction createGroupDeal(String organizer, String promotion, String merchant, long dealId,
			long target, long maxParticipants, long basePrice, List<long[]> tiers, long durationSeconds, Shape shape) {
		return runtime.execute(() -> groupDeals.createGroupDeal(organizer, promotion, merchant, dealId, target,
				maxParticipants, basePrice, tiers, durationSeconds, shape));
	}

	public LedgerTransaction joinGroupDeal(String user, String groupDeal, Shape shape) {
		return runtime.execute(() -> groupDeals.joinGroupDeal(user, groupDeal, shape));
	}

	/** With the deal's own promotion and merchant, and that merchant's authority. */
	public LedgerTransaction finalizeGroupDeal(String authority, String groupDeal, Shape shape) {
		Map<String, Object> deal = runtime.readExisting(groupDeal, "GroupDeal");
		String merchant = key(deal.get("merchant"));
		String merchantAuthority = key(runtime.readExisting(merchant, "Merchant").get("authority"));
		return finalizeGroupDeal(authority, groupDeal, key(deal.get("promotion")), merchant, merchantAuthority, shape);
	}

	/** With any promotion and merchant: the program changes the ones passed without checking them. */
	public LedgerTransaction finalizeGroupDeal(String authority, String groupDeal, String promotion, String merchant,
			String merchantAuthority, Shape shape) {
		return runtime.execute(() -> groupDeals.finalizeGroupDeal(authority, groupDeal, promotion, merchant,
				merchantAuthority, shape));
	}

	/** The participant pays for their own refund. */
	public LedgerTransaction refundGroupDeal(String user, String groupDeal, Shape shape) {
		return refundGroupDeal(user, groupDeal, participantAddress(groupDeal, user), user, shape);
	}

	/** Anyone may pay for a refund to the participant. */
	public LedgerTransaction refundGroupDeal(String payer, String groupDeal, String participant, String user,
			Shape shape) {
		return runtime.execute(() -> groupDeals.refundGroupDeal(payer, groupDeal, participant, user, shape));
	}

	/** For the user's participation, with the deal's own promotion; emits nothing. */
	public LedgerTransaction mintGroupCoupon(String payer, String groupDeal, String user, long couponId, Shape shape) {
		String promotion = key(runtime.readExisting(groupDeal, "GroupDeal").get("promotion"));
		return mintGroupCoupon(payer, groupDeal, participantAddress(groupDeal, user), promotion, couponId, shape);
	}

	public LedgerTransaction mintGroupCoupon(String payer, String groupDeal, String participant, String promotion,
			long couponId, Shape shape) {
		return runtime.execute(() -> groupDeals.mintGroupCoupon(payer, groupDeal, participant, promotion, couponId,
				shape));
	}

	// ---- auctions (§10) ----

	public LedgerTransaction createAuction(String seller, String coupon, long auctionId, String auctionType,
			long startingPrice, long reservePrice, long durationSeconds, boolean autoExtend, long minBidIncrement,
			Shape shape) {
		return runtime.execute(() -> auctions.createAuction(seller, coupon, auctionId, auctionType, startingPrice,
				reservePrice, durationSeconds, autoExtend, minBidIncrement, shape));
	}

	/** As {@link #createAuction(String, String, long, String, long, long, long, boolean, long, Shape)}, plain. */
	public LedgerTransaction createAuction(String seller, String coupon, long auctionId, String auctionType,
			long startingPrice, long reservePrice, long durationSeconds, boolean autoExtend, long minBidIncrement) {
		return createAuction(seller, coupon, auctionId, auctionType, startingPrice, reservePrice, durationSeconds,
				autoExtend, minBidIncrement, Shape.plain());
	}

	/** Passes the current highest bidder as the previous bidder (the bidder when there is none). */
	public LedgerTransaction placeBid(String bidder, String auction, long amount, Shape shape) {
		Object highest = runtime.readExisting(auction, "CouponAuction").get("highest_bidder");
		return placeBid(bidder, auction, amount, highest == null ? bidder : key(highest), shape);
	}

	public LedgerTransaction placeBid(String bidder, String auction, long amount, String previousBidder,
			Shape shape) {
		return runtime.execute(() -> auctions.placeBid(bidder, auction, amount, previousBidder, shape));
	}

	/**
	 * With the auction's coupon and seller and the marketplace authority; the winner passed is the highest bidder,
	 * or the seller when there is none (the "reserve not met" branch needs some account with UserStats).
	 */
	public LedgerTransaction finalizeAuction(String authority, String auction, Shape shape) {
		Map<String, Object> state = runtime.readExisting(auction, "CouponAuction");
		Object highest = state.get("highest_bidder");
		String seller = key(state.get("seller"));
		return finalizeAuction(authority, auction, key(state.get("coupon")), seller,
				highest == null ? seller : key(highest), marketplaceAuthority(), shape);
	}

	public LedgerTransaction finalizeAuction(String authority, String auction, String coupon, String seller,
			String winner, String marketplaceAuthority, Shape shape) {
		return runtime.execute(() -> auctions.finalizeAuction(authority, auction, coupon, seller, winner,
				marketplaceAuthority, shape));
	}

	/** With the auction's coupon and seller and the marketplace authority. */
	public LedgerTransaction buyDutchAuction(String buyer, String auction, Shape shape) {
		Map<String, Object> state = runtime.readExisting(auction, "CouponAuction");
		return buyDutchAuction(buyer, auction, key(state.get("coupon")), key(state.get("seller")),
				marketplaceAuthority(), shape);
	}

	public LedgerTransaction buyDutchAuction(String buyer, String auction, String coupon, String seller,
			String marketplaceAuthority, Shape shape) {
		return runtime.execute(() -> auctions.buyDutchAuction(buyer, auction, coupon, seller, marketplaceAuthority,
				shape));
	}

	/** Closes the auction; its AuctionCancelled always says "Cancelled by seller". */
	public LedgerTransaction cancelAuction(String seller, String auction, Shape shape) {
		return runtime.execute(() -> auctions.cancelAuction(seller, auction, shape));
	}

	/** As {@link #cancelAuction(String, String, Shape)}, plain. */
	public LedgerTransaction cancelAuction(String seller, String auction) {
		return cancelAuction(seller, auction, Shape.plain());
	}

	// ---- redemption tickets (§8) ----

	/** As {@link #generateRedemptionTicket(String, String, long, Double, Double, Shape)}, plain. */
	public LedgerTransaction generateRedemptionTicket(String user, String coupon, long nonce, Double latitude,
			Double longitude) {
		return generateRedemptionTicket(user, coupon, nonce, latitude, longitude, Shape.plain());
	}

	public LedgerTransaction generateRedemptionTicket(String user, String coupon, long nonce, Double latitude,
			Double longitude, Shape shape) {
		return runtime.execute(() -> tickets.generateRedemptionTicket(user, coupon, nonce, latitude, longitude, shape));
	}

	/** The ticket's user co-signs; the ticket's coupon, merchant and stored hash are passed. */
	public LedgerTransaction verifyAndRedeemTicket(String merchantAuthority, String ticket, Shape shape) {
		Map<String, Object> state = runtime.readExisting(ticket, "RedemptionTicket");
		return verifyAndRedeemTicket(merchantAuthority, key(state.get("user")), ticket, key(state.get("coupon")),
				key(state.get("merchant")), (byte[]) state.get("ticket_hash"), shape);
	}

	public LedgerTransaction verifyAndRedeemTicket(String merchantAuthority, String user, String ticket,
			String coupon, String merchant, byte[] expectedHash, Shape shape) {
		return runtime.execute(() -> tickets.verifyAndRedeemTicket(merchantAuthority, user, ticket, coupon, merchant,
				expectedHash, shape));
	}

	/** Closes the ticket; emits nothing. */
	public LedgerTransaction cancelRedemptionTicket(String user, String ticket, Shape shape) {
		return runtime.execute(() -> tickets.cancelRedemptionTicket(user, ticket, shape));
	}

	/** As {@link #cancelRedemptionTicket(String, String, Shape)}, plain. */
	public LedgerTransaction cancelRedemptionTicket(String user, String ticket) {
		return cancelRedemptionTicket(user, ticket, Shape.plain());
	}

	// ---- staking (§7) ----

	/** Creates the staking pool; emits nothing. */
	public LedgerTransaction initializeStaking(String authority, long rewardRatePerDay, long minStakeDuration,
			Shape shape) {
		return runtime.execute(() -> staking.initializeStaking(authority, rewardRatePerDay, minStakeDuration, shape));
	}

	/** Stakes with the coupon's own mint (the default key for a group coupon, whose stake aborts). */
	public LedgerTransaction stakeCoupon(String user, String coupon, long durationDays, Shape shape) {
		String mint = Values.mintOrDefault(runtime.readExisting(coupon, "Coupon"));
		return stakeCoupon(user, coupon, mint, durationDays, shape);
	}

	public LedgerTransaction stakeCoupon(String user, String coupon, String nftMint, long durationDays, Shape shape) {
		return runtime.execute(() -> staking.stakeCoupon(user, coupon, nftMint, durationDays, shape));
	}

	/** The pool's authority signs as the reward pool. */
	public LedgerTransaction claimRewards(String user, String coupon, Shape shape) {
		String rewardPool = key(runtime.readExisting(stakingPoolAddress(), "StakingPool").get("authority"));
		return claimRewards(user, coupon, rewardPool, shape);
	}

	public LedgerTransaction claimRewards(String user, String coupon, String rewardPool, Shape shape) {
		return runtime.execute(() -> staking.claimRewards(user, coupon, rewardPool, shape));
	}

	// ---- badges (§6) ----

	/** The user mints any badge for themselves: no qualification, no UserStats change. */
	public LedgerTransaction mintBadge(String user, String authority, String badgeType, String mint, Shape shape) {
		return runtime.execute(() -> badges.mintBadge(user, authority, badgeType, mint, shape));
	}

	/** Any signers award a badge the user qualifies for; recorded in the user's stats with its reputation. */
	public LedgerTransaction autoAwardBadge(String payer, String authority, String user, String badgeType,
			String mint, Shape shape) {
		return runtime.execute(() -> badges.autoAwardBadge(payer, authority, user, badgeType, mint, shape));
	}

	// ---- external deals (§5) ----

	/** As the next one, as a plain transaction: for tests that need this one change. */
	public LedgerTransaction updateExternalDeal(String payer, String externalId, String title, long originalPrice,
			long discountedPrice, String category, long expiry) {
		return updateExternalDeal(payer, externalId, title, originalPrice, discountedPrice, category, expiry,
				Shape.plain());
	}

	/** With a description, image and affiliate link made up from the title and id. */
	public LedgerTransaction updateExternalDeal(String payer, String externalId, String title, long originalPrice,
			long discountedPrice, String category, long expiry, Shape shape) {
		return updateExternalDeal(payer, externalId, title, title + " (" + category + ")", originalPrice,
				discountedPrice, category, "https://img.example/" + externalId + ".png",
				"https://go.example/" + externalId, expiry, shape);
	}

	public LedgerTransaction updateExternalDeal(String payer, String externalId, String title, String description,
			long originalPrice, long discountedPrice, String category, String imageUrl, String affiliateUrl,
			long expiry, Shape shape) {
		return runtime.execute(() -> externalDeals.updateExternalDeal(payer, externalId, title, description,
				originalPrice, discountedPrice, category, imageUrl, affiliateUrl, expiry, shape));
	}

	/**
	 * Lands a transaction a fork dropped again, executing its instruction again with the new block's Clock and
	 * against the state as it is now, as a cluster does; one whose checks no longer pass lands failed.
	 */
	public LedgerTransaction reexecute(LedgerTransaction dropped) {
		return runtime.reexecute(dropped);
	}

	/** A program account's fields as the ledger holds them now, or null. */
	Map<String, Object> account(String address) {
		return runtime.read(address);
	}

	/** How many tokens the token account holds; 0 when there is none. */
	long tokenBalance(String tokenAccount) {
		AccountVersion version = runtime.ledger().account(tokenAccount, Commitment.PROCESSED);
		return version == null || !version.owner().equals(Pdas.TOKEN_PROGRAM) ? 0
				: TokenAccounts.amount(version.data());
	}

	private String marketplaceAuthority() {
		return key(runtime.readExisting(marketplaceAddress(), "Marketplace").get("authority"));
	}
}
