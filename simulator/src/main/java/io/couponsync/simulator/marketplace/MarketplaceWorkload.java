package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.isTrue;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.couponsync.chain.Base58;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;
import io.couponsync.simulator.marketplace.MarketplaceProgram.InstructionRejected;

/**
 * Drives realistic marketplace traffic through {@link MarketplaceProgram}: merchants register and create
 * promotions, coupons are minted, traded, auctioned, staked and redeemed, users rate, comment, join group deals
 * and earn badges; every instruction of the program occurs. Picks are random but seeded, so a run is
 * reproducible. The ledger's accounts stay the ground truth; the workload only remembers which addresses exist,
 * and re-reads them from the ledger (and after a fork forgets what is gone).
 * <p>
 * Picks aim at instructions whose preconditions likely hold (a coupon not yet listed, an auction that has ended),
 * but some are rejected, as on a real chain; {@link #rejected()} counts them. Auctions, group deals, stakes and
 * external deals wait for hours or days, so now and then the workload moves the ledger's clock forward (from the
 * next slot on, see {@link io.couponsync.simulator.ledger.Ledger#advanceClock}).
 */
public final class MarketplaceWorkload {

	/**
	 * @param viaRouterShare share of transactions in which another program invokes ours by CPI
	 * @param cpiEventsShare share of transactions whose events travel as emit_cpi! inner instructions; the program
	 * emits with emit!, so anything above 0 is a robustness test of an indexer
	 * @param failureShare share of transactions that fail after emitting their events (no effect)
	 * @param truncatedShare share of transactions whose logs the runtime truncates
	 */
	public record Options(double viaRouterShare, double cpiEventsShare, double failureShare, double truncatedShare) {

		public static Options realistic() {
			return new Options(0.1, 0, 0.02, 0.0);
		}

		public static Options plain() {
			return new Options(0, 0, 0, 0);
		}
	}

	private enum Kind {
		PROMOTION, COUPON, LISTING, COMMENT, GROUP_DEAL, AUCTION, TICKET, STAKE
	}

	private static final double CLOCK_JUMP_SHARE = 0.012;

	private static final int SAMPLES = 12;

	private static final String[] BADGES = { "FirstPurchase", "TenRedemptions", "FiftyRedemptions", "TopReviewer",
			"EarlyAdopter", "MerchantPartner", "CommunityModerator" };

	private final MarketplaceProgram program;

	private final Random random;

	private final Options options;

	private final List<String> users = new ArrayList<>();

	private final List<String> merchantAuthorities = new ArrayList<>();

	private final Map<Kind, List<String>> known = new EnumMap<>(Kind.class);

	/** The addresses of {@link #known} that {@link #remember} added, to find them without scanning the list. */
	private final Map<Kind, Set<String>> remembered = new EnumMap<>(Kind.class);

	private final String authority;

	private long nextId = 1;

	private long lastClockJumpSlot = -1;

	private int submitted;

	private int rejected;

	private final Map<String, Integer> rejections = new TreeMap<>();

	public MarketplaceWorkload(MarketplaceProgram program, long seed, Options options) {
		this.program = program;
		this.random = new Random(seed);
		this.options = options;
		for (Kind kind : Kind.values()) {
			known.put(kind, new ArrayList<>());
		}
		this.authority = newWallet();
		for (int i = 0; i < 60; i++) {
			users.add(newWallet());
		}
	}

	public MarketplaceProgram program() {
		return program;
	}

	/** Transactions landed by this workload (failed ones included). */
	public int submitted() {
		return submitted;
	}

	/** Instructions tried whose preconditions did not hold (nothing landed). */
	public int rejected() {
		return rejected;
	}

	/** Rejected tries by the program's error name ("nothing to pick" when no account fit the instruction). */
	public synchronized Map<String, Integer> rejectionsByError() {
		return Map.copyOf(rejections);
	}

	/** Initializes the marketplace and staking once. */
	public synchronized void bootstrap() {
		if (program.ledger().account(program.marketplaceAddress(), Commitment.PROCESSED) == null) {
			land(() -> program.initialize(authority, Shape.plain()));
		}
		if (program.ledger().account(program.stakingPoolAddress(), Commitment.PROCESSED) == null) {
			land(() -> program.initializeStaking(authority, 12, Staking.DAY, Shape.plain()));
		}
	}

	/** Lands one more transaction of the marketplace, picking an instruction whose preconditions can hold. */
	public synchronized LedgerTransaction step() {
		bootstrap();
		letTimePass();
		for (int attempt = 0; attempt < 50; attempt++) {
			LedgerTransaction landed = tryOnce();
			if (landed != null) {
				return landed;
			}
		}
		return land(this::registerMerchant);
	}

	/**
	 * Awards {@code badgeType} to {@code user} (auto_award_badge, a plain transaction) where a test needs that one
	 * instruction; throws {@link MarketplaceProgram.InstructionRejected} where the program would refuse it.
	 */
	public synchronized LedgerTransaction awardBadge(String user, String badgeType) {
		return program.autoAwardBadge(authority, authority, user, badgeType, newWallet(), Shape.plain());
	}

	/**
	 * Mints a coupon of a known promotion to {@code recipient} (mint_coupon, a plain transaction, which creates the
	 * recipient's UserStats if needed) where a test needs that one instruction: tries the promotions in turn, and
	 * throws {@link MarketplaceProgram.InstructionRejected} where the program refuses every one.
	 */
	public synchronized LedgerTransaction mintCouponTo(String recipient) {
		InstructionRejected refused = null;
		for (String promotion : List.copyOf(known.get(Kind.PROMOTION))) {
			long supply = number(state(promotion).get("current_supply"));
			String owner = key(state(key(state(promotion).get("merchant"))).get("authority"));
			try {
				LedgerTransaction landed = program.mintCoupon(owner, promotion, recipient, nextId++, newWallet(),
						Shape.plain());
				known.get(Kind.COUPON).add(program.couponAddress(promotion, supply));
				return landed;
			}
			catch (InstructionRejected ex) {
				refused = ex;
			}
		}
		if (refused == null) {
			throw new IllegalStateException("no promotion to mint from: run the workload first");
		}
		throw refused;
	}

	/**
	 * Creates a group deal with these discount tiers ({min participants, discount %}), a target of 2 and room for 3,
	 * on a known promotion that has the supply (create_group_deal, a plain transaction), where a test needs one of
	 * known tiers; returns its address.
	 */
	public synchronized String createGroupDeal(List<long[]> tiers) {
		for (String promotion : List.copyOf(known.get(Kind.PROMOTION))) {
			if (number(state(promotion).get("max_supply")) >= 3) {
				long dealId = nextId++;
				program.createGroupDeal(pickUser(), promotion, dealId, 2, 3, 1_000_000L, tiers, 7_200, Shape.plain());
				String deal = program.groupDealAddress(promotion, dealId);
				known.get(Kind.GROUP_DEAL).add(deal);
				return deal;
			}
		}
		throw new IllegalStateException("no promotion with a supply of 3: run the workload first");
	}

	/** Joins {@code user} to the group deal (join_group_deal, a plain transaction) where a test needs that one. */
	public synchronized LedgerTransaction joinGroupDeal(String deal, String user) {
		return program.joinGroupDeal(user, deal, Shape.plain());
	}

	/** Stakes the user's coupon for a day (stake_coupon, a plain transaction) where a test needs that one. */
	public synchronized LedgerTransaction stakeCoupon(String user, String coupon) {
		LedgerTransaction landed = program.stakeCoupon(user, coupon, 1, Shape.plain());
		remember(Kind.STAKE, program.stakeAddress(coupon, user));
		return landed;
	}

	/** Claims the rewards of the user's stake of the coupon (claim_rewards, a plain transaction). */
	public synchronized LedgerTransaction claimRewards(String user, String coupon) {
		return program.claimRewards(user, coupon, Shape.plain());
	}

	/** After a fork the ledger rolled accounts back: forget what no longer exists. */
	public synchronized void reconcileWithLedger() {
		for (List<String> addresses : known.values()) {
			addresses.removeIf(address -> !exists(address));
		}
		remembered.values().forEach(addresses -> addresses.removeIf(address -> !exists(address)));
		merchantAuthorities.removeIf(owner -> !exists(program.merchantAddress(owner)));
	}

	private LedgerTransaction tryOnce() {
		int roll = random.nextInt(1000);
		try {
			if (merchantAuthorities.size() < 3 || roll < 20) {
				return land(this::registerMerchant);
			}
			if (known.get(Kind.PROMOTION).size() < 3 || roll < 70) {
				return land(this::createPromotion);
			}
			if (known.get(Kind.COUPON).size() < 5 || roll < 230) {
				return land(this::mintCoupon);
			}
			if (roll < 270) {
				return land(this::transferCoupon);
			}
			if (roll < 320) {
				return land(this::listForSale);
			}
			if (roll < 360) {
				return land(this::buyListing);
			}
			if (roll < 380) {
				return land(this::cancelListing);
			}
			if (roll < 420) {
				return land(this::redeemCoupon);
			}
			if (roll < 470) {
				return land(() -> program.ratePromotion(pickUser(), pick(Kind.PROMOTION), 1 + random.nextInt(5),
						shape()));
			}
			if (roll < 510) {
				return land(this::addComment);
			}
			if (roll < 550) {
				return land(() -> program.likeComment(pickUser(), pick(Kind.COMMENT), shape()));
			}
			if (roll < 570) {
				return land(this::createGroupDeal);
			}
			if (roll < 620) {
				return land(this::joinGroupDeal);
			}
			if (roll < 640) {
				return land(this::finalizeGroupDeal);
			}
			if (roll < 655) {
				return land(this::refundGroupDeal);
			}
			if (roll < 675) {
				return land(this::mintGroupCoupon);
			}
			if (roll < 705) {
				return land(this::createAuction);
			}
			if (roll < 745) {
				return land(this::placeBid);
			}
			if (roll < 770) {
				return land(this::buyDutchAuction);
			}
			if (roll < 790) {
				return land(this::finalizeAuction);
			}
			if (roll < 800) {
				return land(this::cancelAuction);
			}
			if (roll < 830) {
				return land(this::generateTicket);
			}
			if (roll < 860) {
				return land(this::verifyTicket);
			}
			if (roll < 870) {
				return land(this::cancelTicket);
			}
			if (roll < 895) {
				return land(this::stake);
			}
			if (roll < 920) {
				return land(this::claimRewards);
			}
			if (roll < 935) {
				return land(this::mintBadge);
			}
			if (roll < 960) {
				return land(this::autoAwardBadge);
			}
			return land(this::externalDeal);
		}
		catch (InstructionRejected ex) {
			rejected++;
			rejections.merge(ex.error(), 1, Integer::sum);
			return null;
		}
		catch (NothingToPick ex) {
			rejected++;
			rejections.merge("nothing to pick", 1, Integer::sum);
			return null;
		}
	}

	/**
	 * Now and then (at most once a slot) the clock jumps: minutes (a Dutch price drops, a ticket expires), hours
	 * (auctions and group deals end, external deals may be updated again) or a day or two (stakes unlock).
	 */
	private void letTimePass() {
		long slot = program.ledger().slot();
		if (slot == lastClockJumpSlot || random.nextDouble() >= CLOCK_JUMP_SHARE) {
			return;
		}
		int scale = random.nextInt(10);
		long seconds = scale < 4 ? 60 + random.nextInt(540)
				: scale < 8 ? 3_600 + random.nextInt(5 * 3_600) : Staking.DAY + random.nextInt((int) Staking.DAY);
		program.ledger().advanceClock(seconds);
		lastClockJumpSlot = slot;
	}

	// ---- merchants and promotions ----

	private LedgerTransaction registerMerchant() {
		String owner = newWallet();
		boolean physical = random.nextBoolean();
		LedgerTransaction landed = program.registerMerchant(owner, pickOne(MERCHANT_NAMES) + " " + (nextId++),
				pickOne(CATEGORIES), physical ? 48.85 + random.nextDouble() : null,
				physical ? 2.35 + random.nextDouble() : null, shape());
		if (!landed.failed()) {
			merchantAuthorities.add(owner);
		}
		return landed;
	}

	/**
	 * A promotion's address is seeded by its merchant's coupon count, which only minting moves, so the workload
	 * looks for a merchant whose next promotion address is free. Now and then someone else creates it: the
	 * program does not check the signer.
	 */
	private LedgerTransaction createPromotion() {
		String owner = null;
		String merchant = null;
		for (int i = 0; i < SAMPLES && owner == null; i++) {
			String candidate = pickFrom(merchantAuthorities);
			String address = program.merchantAddress(candidate);
			Map<String, Object> state = state(address);
			if (!exists(program.promotionAddress(address, number(state.get("total_coupons_created"))))) {
				owner = candidate;
				merchant = address;
			}
		}
		if (owner == null) {
			owner = pickFrom(merchantAuthorities);
			merchant = program.merchantAddress(owner);
		}
		long index = number(state(merchant).get("total_coupons_created"));
		String signer = random.nextInt(10) == 0 ? pickUser() : owner;
		LedgerTransaction landed = program.createPromotion(signer, merchant, 5 + random.nextInt(60),
				10 + random.nextInt(40), program.now() + (30L + random.nextInt(90)) * Staking.DAY, pickOne(CATEGORIES),
				"Save big on " + pickOne(CATEGORIES).toLowerCase(), 1_000_000L * (1 + random.nextInt(50)), shape());
		if (!landed.failed()) {
			known.get(Kind.PROMOTION).add(program.promotionAddress(merchant, index));
		}
		return landed;
	}

	// ---- coupons and listings ----

	private LedgerTransaction mintCoupon() {
		String promotion = pick(Kind.PROMOTION);
		Map<String, Object> promo = state(promotion);
		long supply = number(promo.get("current_supply"));
		String owner = key(state(key(promo.get("merchant"))).get("authority"));
		LedgerTransaction landed = program.mintCoupon(owner, promotion, pickUser(), nextId++, newWallet(), shape());
		if (!landed.failed()) {
			known.get(Kind.COUPON).add(program.couponAddress(promotion, supply));
		}
		return landed;
	}

	private LedgerTransaction transferCoupon() {
		String coupon = pickWhere(Kind.COUPON, (address, state) -> !isTrue(state.get("is_redeemed")));
		String owner = ownerOf(coupon);
		// why: a transfer to oneself is allowed, and happens
		String to = random.nextInt(20) == 0 ? owner : pickUser();
		return program.transferCoupon(owner, coupon, to, shape());
	}

	/** Listings are never closed: only a coupon never listed can be. */
	private LedgerTransaction listForSale() {
		String coupon = pickWhere(Kind.COUPON,
				(address, state) -> !isTrue(state.get("is_redeemed")) && !exists(program.listingAddress(address)));
		LedgerTransaction landed = program.listForSale(ownerOf(coupon), coupon, 500_000L * (1 + random.nextInt(40)),
				shape());
		if (!landed.failed()) {
			remember(Kind.LISTING, program.listingAddress(coupon));
		}
		return landed;
	}

	private LedgerTransaction buyListing() {
		String listing = pickWhere(Kind.LISTING, (address, state) -> isTrue(state.get("is_active")));
		return program.buyListing(pickUser(), listing, shape());
	}

	private LedgerTransaction cancelListing() {
		String listing = pickWhere(Kind.LISTING, (address, state) -> isTrue(state.get("is_active")));
		return program.cancelListing(key(state(listing).get("seller")), listing, shape());
	}

	/**
	 * The owner burns a token of the coupon's mint when they hold one; one who got the coupon by a transfer or a
	 * sale holds none, and may burn a token of another mint they hold, which the program accepts.
	 */
	private LedgerTransaction redeemCoupon() {
		String coupon = pickWhere(Kind.COUPON, (address, state) -> !isTrue(state.get("is_redeemed")));
		Map<String, Object> state = state(coupon);
		String owner = key(state.get("owner"));
		String mint = Values.mintOrDefault(state);
		if (!holds(owner, mint)) {
			for (int i = 0; i < SAMPLES; i++) {
				String other = Values.mintOrDefault(state(pick(Kind.COUPON)));
				if (holds(owner, other)) {
					mint = other;
					break;
				}
			}
		}
		return program.redeemCoupon(owner, coupon, mint, shape());
	}

	// ---- community ----

	private LedgerTransaction addComment() {
		String promotion = pick(Kind.PROMOTION);
		Map<String, Object> promo = state(promotion);
		// why: a merchant answering on its own promotion makes a merchant reply
		String user = random.nextInt(8) == 0 ? key(state(key(promo.get("merchant"))).get("authority")) : pickUser();
		List<String> comments = known.get(Kind.COMMENT);
		String parent = !comments.isEmpty() && random.nextInt(3) == 0 ? comments.get(random.nextInt(comments.size()))
				: null;
		if (parent != null && !key(state(parent).get("promotion")).equals(promotion)) {
			parent = null;
		}
		LedgerTransaction landed = program.addComment(user, promotion, pickOne(COMMENTS), parent, shape());
		if (!landed.failed()) {
			known.get(Kind.COMMENT).add(program.commentAddress(user, promotion));
		}
		return landed;
	}

	// ---- group deals ----

	private LedgerTransaction createGroupDeal() {
		String promotion = pick(Kind.PROMOTION);
		long maxSupply = number(state(promotion).get("max_supply"));
		long dealId = nextId++;
		long target = 2 + random.nextInt(3);
		List<long[]> tiers = random.nextInt(4) == 0 ? List.of(new long[] { 0, 5 }, new long[] { 3, 15 })
				: List.of(new long[] { 2, 10 }, new long[] { 4, 20 }, new long[] { 6, 30 });
		LedgerTransaction landed = program.createGroupDeal(pickUser(), promotion, dealId, target,
				Math.min(maxSupply, target + random.nextInt(4)), 2_000_000L * (1 + random.nextInt(10)), tiers,
				3_600L * (1 + random.nextInt(6)), shape());
		if (!landed.failed()) {
			known.get(Kind.GROUP_DEAL).add(program.groupDealAddress(promotion, dealId));
		}
		return landed;
	}

	private LedgerTransaction joinGroupDeal() {
		String deal = pickWhere(Kind.GROUP_DEAL,
				(address, state) -> !isTrue(state.get("is_finalized"))
						&& number(state.get("deadline")) >= program.now());
		return program.joinGroupDeal(pickUser(), deal, shape());
	}

	private LedgerTransaction finalizeGroupDeal() {
		String deal = pickWhere(Kind.GROUP_DEAL, (address, state) -> !isTrue(state.get("is_finalized"))
				&& number(state.get("current_participants")) >= number(state.get("target_participants")));
		return program.finalizeGroupDeal(pickUser(), deal, shape());
	}

	/** After a missed target: anyone may trigger a participant's refund. */
	private LedgerTransaction refundGroupDeal() {
		String deal = pickWhere(Kind.GROUP_DEAL, (address, state) -> number(state.get("deadline")) < program.now()
				&& number(state.get("current_participants")) < number(state.get("target_participants")));
		String user = participantOf(deal, joined -> !isTrue(joined.get("is_refunded")));
		String payer = random.nextBoolean() ? user : pickUser();
		return program.refundGroupDeal(payer, deal, program.participantAddress(deal, user), user, shape());
	}

	private LedgerTransaction mintGroupCoupon() {
		String deal = pickWhere(Kind.GROUP_DEAL, (address, state) -> isTrue(state.get("is_finalized")));
		String user = participantOf(deal, joined -> joined.get("coupon_minted") == null);
		LedgerTransaction landed = program.mintGroupCoupon(pickUser(), deal, user, nextId++, shape());
		if (!landed.failed()) {
			known.get(Kind.COUPON).add(program.groupCouponAddress(deal, user));
		}
		return landed;
	}

	private String participantOf(String deal, Predicate<Map<String, Object>> wanted) {
		int start = random.nextInt(users.size());
		for (int i = 0; i < users.size(); i++) {
			String candidate = users.get((start + i) % users.size());
			Map<String, Object> joined = program.account(program.participantAddress(deal, candidate));
			if (joined != null && wanted.test(joined)) {
				return candidate;
			}
		}
		throw new NothingToPick();
	}

	// ---- auctions ----

	private LedgerTransaction createAuction() {
		String coupon = pickWhere(Kind.COUPON, (address, state) -> !isTrue(state.get("is_redeemed")));
		long auctionId = nextId++;
		int kind = random.nextInt(3);
		String type = kind == 0 ? "Dutch" : kind == 1 ? "English" : "SealedBid";
		long start = 1_000_000L * (5 + random.nextInt(20));
		long duration = 300L * (1 + random.nextInt(24));
		LedgerTransaction landed = program.createAuction(ownerOf(coupon), coupon, auctionId, type, start, start / 2,
				duration, random.nextBoolean(), 100_000L, shape());
		if (!landed.failed()) {
			known.get(Kind.AUCTION).add(program.auctionAddress(coupon, auctionId));
		}
		return landed;
	}

	private LedgerTransaction placeBid() {
		String auction = pickWhere(Kind.AUCTION, (address, state) -> isTrue(state.get("is_active"))
				&& !"Dutch".equals(Auctions.type(state)) && number(state.get("end_time")) >= program.now());
		Map<String, Object> state = state(auction);
		long bid = "English".equals(Auctions.type(state))
				? number(state.get("current_bid")) + number(state.get("min_bid_increment")) + random.nextInt(500_000)
				: number(state.get("starting_price")) + random.nextInt(5_000_000);
		return program.placeBid(pickUser(), auction, bid, shape());
	}

	private LedgerTransaction buyDutchAuction() {
		String auction = pickWhere(Kind.AUCTION, (address, state) -> isTrue(state.get("is_active"))
				&& "Dutch".equals(Auctions.type(state)) && number(state.get("end_time")) >= program.now());
		return program.buyDutchAuction(pickUser(), auction, shape());
	}

	/** Sealed-bid and unsold Dutch auctions end unsold ("Reserve price not met"); English ones with bids sell. */
	private LedgerTransaction finalizeAuction() {
		String auction = pickWhere(Kind.AUCTION, (address, state) -> isTrue(state.get("is_active"))
				&& number(state.get("end_time")) < program.now()
				&& (state.get("highest_bidder") != null || !"English".equals(Auctions.type(state))));
		return program.finalizeAuction(pickUser(), auction, shape());
	}

	private LedgerTransaction cancelAuction() {
		String auction = pickWhere(Kind.AUCTION,
				(address, state) -> isTrue(state.get("is_active")) && number(state.get("bid_count")) == 0);
		return program.cancelAuction(key(state(auction).get("seller")), auction, shape());
	}

	// ---- redemption tickets ----

	/** Mostly for a coupon whose NFT its owner holds, which verify_and_redeem_ticket burns. */
	private LedgerTransaction generateTicket() {
		boolean redeemable = random.nextInt(5) > 0;
		String coupon = pickWhere(Kind.COUPON, (address, state) -> !isTrue(state.get("is_redeemed"))
				&& (!redeemable || state.get("mint") != null
						&& holds(key(state.get("owner")), key(state.get("mint")))));
		String owner = ownerOf(coupon);
		long nonce = nextId++;
		boolean located = random.nextBoolean();
		LedgerTransaction landed = program.generateRedemptionTicket(owner, coupon, nonce, located ? 48.8 : null,
				located ? 2.3 : null, shape());
		if (!landed.failed()) {
			known.get(Kind.TICKET).add(program.ticketAddress(coupon, owner, nonce));
		}
		return landed;
	}

	private LedgerTransaction verifyTicket() {
		String ticket = pickWhere(Kind.TICKET, (address, state) -> !isTrue(state.get("is_consumed"))
				&& number(state.get("expires_at")) > program.now());
		String merchantAuthority = key(state(key(state(ticket).get("merchant"))).get("authority"));
		return program.verifyAndRedeemTicket(merchantAuthority, ticket, shape());
	}

	private LedgerTransaction cancelTicket() {
		String ticket = pickWhere(Kind.TICKET, (address, state) -> !isTrue(state.get("is_consumed")));
		LedgerTransaction landed = program.cancelRedemptionTicket(key(state(ticket).get("user")), ticket, shape());
		if (!landed.failed()) {
			known.get(Kind.TICKET).remove(ticket);
		}
		return landed;
	}

	// ---- staking ----

	private LedgerTransaction stake() {
		String coupon = pickWhere(Kind.COUPON, (address, state) -> !isTrue(state.get("is_redeemed"))
				&& state.get("mint") != null && holds(key(state.get("owner")), key(state.get("mint"))));
		String owner = ownerOf(coupon);
		LedgerTransaction landed = program.stakeCoupon(owner, coupon, 1 + random.nextInt(3), shape());
		if (!landed.failed()) {
			remember(Kind.STAKE, program.stakeAddress(coupon, owner));
		}
		return landed;
	}

	private LedgerTransaction claimRewards() {
		String stake = pickWhere(Kind.STAKE,
				(address, state) -> isTrue(state.get("is_active")) && number(state.get("unlock_at")) <= program.now());
		Map<String, Object> state = state(stake);
		return program.claimRewards(key(state.get("user")), key(state.get("coupon")), shape());
	}

	// ---- badges ----

	/** A user mints a badge for themselves, which also blocks that badge's automatic award. */
	private LedgerTransaction mintBadge() {
		return program.mintBadge(pickUser(), authority, pickOne(BADGES), newWallet(), shape());
	}

	private LedgerTransaction autoAwardBadge() {
		String user = pickUser();
		Map<String, Object> stats = program.account(program.userStatsAddress(user));
		if (stats == null) {
			throw new NothingToPick();
		}
		String badge = number(stats.get("total_purchases")) >= 1 && random.nextBoolean() ? "FirstPurchase"
				: pickOne(BADGES);
		return program.autoAwardBadge(authority, authority, user, badge, newWallet(), shape());
	}

	// ---- external deals ----

	private LedgerTransaction externalDeal() {
		String externalId = "deal-" + random.nextInt(40);
		long original = 10_000L * (10 + random.nextInt(90));
		String payer = random.nextInt(4) == 0 ? pickUser() : authority;
		return program.updateExternalDeal(payer, externalId, "Deal " + externalId, original,
				original * (50 + random.nextInt(50)) / 100, pickOne(CATEGORIES), program.now() + 30L * Staking.DAY,
				shape());
	}

	// ---- picking ----

	private LedgerTransaction land(Supplier<LedgerTransaction> instruction) {
		LedgerTransaction landed = instruction.get();
		submitted++;
		return landed;
	}

	private Shape shape() {
		boolean truncated = random.nextDouble() < options.truncatedShare();
		return new Shape(random.nextDouble() < options.viaRouterShare(),
				random.nextDouble() < options.cpiEventsShare(), random.nextDouble() < options.failureShare(),
				truncated ? 400 : 10_000);
	}

	private String pick(Kind kind) {
		return pickFrom(known.get(kind));
	}

	/** A known account in a state the instruction needs, from a few random samples; any one when none is. */
	private String pickWhere(Kind kind, BiPredicate<String, Map<String, Object>> wanted) {
		List<String> addresses = known.get(kind);
		String fallback = null;
		for (int i = 0; i < SAMPLES && !addresses.isEmpty(); i++) {
			String candidate = pickFrom(addresses);
			Map<String, Object> state = program.account(candidate);
			if (state == null) {
				addresses.remove(candidate);
				continue;
			}
			if (wanted.test(candidate, state)) {
				return candidate;
			}
			fallback = candidate;
		}
		if (fallback == null) {
			throw new NothingToPick();
		}
		return fallback;
	}

	private void remember(Kind kind, String address) {
		// why: a list scan here made generating a million transactions quadratic
		if (remembered.computeIfAbsent(kind, k -> new HashSet<>()).add(address)) {
			known.get(kind).add(address);
		}
	}

	private String pickFrom(List<String> addresses) {
		if (addresses.isEmpty()) {
			throw new NothingToPick();
		}
		return addresses.get(random.nextInt(addresses.size()));
	}

	private String pickUser() {
		return users.get(random.nextInt(users.size()));
	}

	private String ownerOf(String coupon) {
		return key(state(coupon).get("owner"));
	}

	private boolean exists(String address) {
		return program.ledger().account(address, Commitment.PROCESSED) != null;
	}

	private boolean holds(String owner, String mint) {
		return program.tokenBalance(program.tokenAccountAddress(owner, mint)) > 0;
	}

	private Map<String, Object> state(String address) {
		Map<String, Object> state = program.account(address);
		if (state == null) {
			throw new NothingToPick();
		}
		return state;
	}

	private String newWallet() {
		byte[] key = new byte[32];
		random.nextBytes(key);
		return Base58.encode(key);
	}

	private String pickOne(String[] values) {
		return values[random.nextInt(values.length)];
	}

	private static final String[] MERCHANT_NAMES = { "Café Lumière", "Bistro 42", "Green Grocer", "Bike Hub",
			"Book Nook", "Spa Serenity", "Pizza Napoli", "Tech Corner" };

	private static final String[] CATEGORIES = { "Food", "Travel", "Wellness", "Retail", "Books", "Sports" };

	private static final String[] COMMENTS = { "Great deal!", "Used it yesterday, works 👍", "Is this still valid?",
			"Best coffee in town ☕", "The staff were lovely", "Expired too soon" };

	/** No entity of the kind the instruction needs exists yet. */
	private static final class NothingToPick extends RuntimeException {

		NothingToPick() {
			super(null, null, false, false);
		}
	}
}
