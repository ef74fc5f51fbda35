package io.couponsync.simulator.marketplace;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;
import io.couponsync.simulator.marketplace.MarketplaceProgram.InstructionRejected;

/**
 * Drives realistic marketplace traffic through {@link MarketplaceProgram}: merchants register and create
 * promotions, coupons are minted, traded, auctioned, staked and redeemed, users rate, comment and join group
 * deals. Picks are random but seeded, so a run is reproducible. The ledger's accounts stay the ground truth; the
 * workload only remembers which addresses exist, and re-reads them from the ledger after a fork.
 */
public final class MarketplaceWorkload {

	/**
	 * @param viaRouterShare share of transactions in which another program invokes ours by CPI
	 * @param cpiEventsShare share of transactions whose events travel as emit_cpi! inner instructions
	 * @param failureShare share of transactions that fail after emitting their events (no effect)
	 * @param truncatedShare share of transactions whose logs the runtime truncates
	 */
	public record Options(double viaRouterShare, double cpiEventsShare, double failureShare, double truncatedShare) {

		public static Options realistic() {
			return new Options(0.1, 0.05, 0.02, 0.0);
		}

		public static Options plain() {
			return new Options(0, 0, 0, 0);
		}
	}

	private enum Kind {
		MERCHANT, PROMOTION, COUPON, LISTING, COMMENT, GROUP_DEAL, AUCTION, TICKET, STAKE
	}

	private final MarketplaceProgram program;

	private final Random random;

	private final Options options;

	private final List<String> users = new ArrayList<>();

	private final List<String> merchantAuthorities = new ArrayList<>();

	private final Map<Kind, List<String>> known = new EnumMap<>(Kind.class);

	private final String authority;

	private long nextId = 1;

	private int submitted;

	private int rejected;

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

	/** Initializes the marketplace and staking once. */
	public synchronized void bootstrap() {
		if (program.ledger().account(program.marketplaceAddress(), Commitment.PROCESSED) == null) {
			land(() -> program.initialize(authority, 250, Shape.plain()));
			land(() -> program.initializeStaking(authority, 12, 86_400, Shape.plain()));
		}
	}

	/** Lands one more transaction of the marketplace, picking an instruction whose preconditions can hold. */
	public synchronized LedgerTransaction step() {
		bootstrap();
		for (int attempt = 0; attempt < 50; attempt++) {
			LedgerTransaction landed = tryOnce();
			if (landed != null) {
				return landed;
			}
		}
		return land(this::registerMerchant);
	}

	/** After a fork the ledger rolled accounts back: forget what no longer exists. */
	public synchronized void reconcileWithLedger() {
		for (List<String> addresses : known.values()) {
			addresses.removeIf(address -> program.ledger().account(address, Commitment.PROCESSED) == null);
		}
		merchantAuthorities.removeIf(
				owner -> program.ledger().account(program.merchantAddress(owner), Commitment.PROCESSED) == null);
	}

	private LedgerTransaction tryOnce() {
		int roll = random.nextInt(100);
		try {
			if (known.get(Kind.MERCHANT).size() < 3 || roll < 3) {
				return land(this::registerMerchant);
			}
			if (known.get(Kind.PROMOTION).size() < 3 || roll < 9) {
				return land(this::createPromotion);
			}
			if (known.get(Kind.COUPON).size() < 5 || roll < 28) {
				return land(this::mintCoupon);
			}
			if (roll < 33) {
				return land(() -> program.transferCoupon(ownerOf(pick(Kind.COUPON)), last(), pickUser(), shape()));
			}
			if (roll < 41) {
				return land(this::listForSale);
			}
			if (roll < 47) {
				return land(() -> program.buyListing(pickUser(), pick(Kind.LISTING), shape()));
			}
			if (roll < 49) {
				String listing = pick(Kind.LISTING);
				return land(() -> program.cancelListing(field(listing, "seller"), listing, shape()));
			}
			if (roll < 53) {
				String coupon = pick(Kind.COUPON);
				return land(() -> program.redeemCoupon(ownerOf(coupon), coupon, shape()));
			}
			if (roll < 59) {
				return land(() -> program.ratePromotion(pickUser(), pick(Kind.PROMOTION), 1 + random.nextInt(5), shape()));
			}
			if (roll < 64) {
				return land(this::addComment);
			}
			if (roll < 69) {
				return land(() -> program.likeComment(pickUser(), pick(Kind.COMMENT), shape()));
			}
			if (roll < 71) {
				return land(this::createGroupDeal);
			}
			if (roll < 76) {
				return land(() -> program.joinGroupDeal(pickUser(), pick(Kind.GROUP_DEAL), shape()));
			}
			if (roll < 77) {
				return land(() -> program.finalizeGroupDeal(authority, pick(Kind.GROUP_DEAL), shape()));
			}
			if (roll < 78) {
				return land(this::refundOrMintGroupCoupon);
			}
			if (roll < 80) {
				return land(this::createAuction);
			}
			if (roll < 85) {
				String auction = pick(Kind.AUCTION);
				long bid = number(field(auction, "current_bid")) + number(field(auction, "min_bid_increment"))
						+ number(field(auction, "starting_price")) + random.nextInt(1000);
				return land(() -> program.placeBid(pickUser(), auction, bid, shape()));
			}
			if (roll < 87) {
				return land(this::endAuction);
			}
			if (roll < 90) {
				return land(this::ticket);
			}
			if (roll < 93) {
				return land(this::stake);
			}
			if (roll < 95) {
				return land(() -> program.awardBadge(authority, pickUser(), badgeType(), newWallet(), newWallet(),
						random.nextBoolean(), shape()));
			}
			return land(this::externalDeal);
		}
		catch (InstructionRejected | NothingToPick ex) {
			rejected++;
			return null;
		}
	}

	private LedgerTransaction registerMerchant() {
		String owner = newWallet();
		boolean physical = random.nextBoolean();
		LedgerTransaction landed = program.registerMerchant(owner, pickOne(MERCHANT_NAMES) + " " + (nextId++),
				pickOne(CATEGORIES), physical ? 48.85 + random.nextDouble() : null,
				physical ? 2.35 + random.nextDouble() : null, shape());
		if (!landed.failed()) {
			merchantAuthorities.add(owner);
			known.get(Kind.MERCHANT).add(program.merchantAddress(owner));
		}
		return landed;
	}

	private LedgerTransaction createPromotion() {
		String owner = pickFrom(merchantAuthorities);
		String merchant = program.merchantAddress(owner);
		long index = number(field(merchant, "total_coupons_created"));
		LedgerTransaction landed = program.createPromotion(owner, 5 + random.nextInt(60), 5 + random.nextInt(40),
				program.now() + 90L * 86_400, pickOne(CATEGORIES), "Save big on " + pickOne(CATEGORIES).toLowerCase(),
				1_000_000L * (1 + random.nextInt(50)), shape());
		if (!landed.failed()) {
			known.get(Kind.PROMOTION).add(program.promotionAddress(merchant, index));
		}
		return landed;
	}

	private LedgerTransaction mintCoupon() {
		String promotion = pick(Kind.PROMOTION);
		long supply = number(field(promotion, "current_supply"));
		String owner = field(field(promotion, "merchant"), "authority");
		LedgerTransaction landed = program.mintCoupon(owner, promotion, pickUser(), nextId++, newWallet(), shape());
		if (!landed.failed()) {
			known.get(Kind.COUPON).add(program.couponAddress(promotion, supply));
		}
		return landed;
	}

	private LedgerTransaction listForSale() {
		String coupon = pick(Kind.COUPON);
		LedgerTransaction landed = program.listForSale(ownerOf(coupon), coupon, 500_000L * (1 + random.nextInt(40)),
				shape());
		if (!landed.failed()) {
			remember(Kind.LISTING, program.listingAddress(coupon));
		}
		return landed;
	}

	private LedgerTransaction addComment() {
		String promotion = pick(Kind.PROMOTION);
		String user = pickUser();
		List<String> comments = known.get(Kind.COMMENT);
		String parent = !comments.isEmpty() && random.nextInt(3) == 0 ? comments.get(random.nextInt(comments.size()))
				: null;
		if (parent != null && !field(parent, "promotion").equals(promotion)) {
			parent = null;
		}
		LedgerTransaction landed = program.addComment(user, promotion, pickOne(COMMENTS), parent, shape());
		if (!landed.failed()) {
			known.get(Kind.COMMENT).add(program.commentAddress(user, promotion));
		}
		return landed;
	}

	private LedgerTransaction createGroupDeal() {
		String promotion = pick(Kind.PROMOTION);
		long dealId = nextId++;
		long target = 2 + random.nextInt(3);
		LedgerTransaction landed = program.createGroupDeal(pickUser(), promotion, dealId, target, target + 4,
				2_000_000L * (1 + random.nextInt(10)), List.of(new long[] { 2, 10 }, new long[] { 4, 20 }),
				7L * 86_400, shape());
		if (!landed.failed()) {
			known.get(Kind.GROUP_DEAL).add(program.groupDealAddress(promotion, dealId));
		}
		return landed;
	}

	private LedgerTransaction refundOrMintGroupCoupon() {
		String deal = pick(Kind.GROUP_DEAL);
		String user = null;
		int start = random.nextInt(users.size());
		for (int i = 0; i < users.size() && user == null; i++) {
			String candidate = users.get((start + i) % users.size());
			if (program.ledger().account(program.participantAddress(deal, candidate), Commitment.PROCESSED) != null) {
				user = candidate;
			}
		}
		if (user == null) {
			throw new NothingToPick();
		}
		if (Boolean.TRUE.equals(state(deal).get("is_finalized"))) {
			return program.mintGroupCoupon(authority, deal, user, nextId++, shape());
		}
		return program.refundGroupDeal(user, deal, shape());
	}

	private LedgerTransaction createAuction() {
		String coupon = pick(Kind.COUPON);
		long auctionId = nextId++;
		String type = random.nextInt(3) == 0 ? "Dutch" : random.nextBoolean() ? "English" : "SealedBid";
		long start = 1_000_000L * (5 + random.nextInt(20));
		LedgerTransaction landed = program.createAuction(ownerOf(coupon), coupon, auctionId, type, start, start / 2,
				3_600L * (1 + random.nextInt(48)), random.nextBoolean(), 100_000L, shape());
		if (!landed.failed()) {
			known.get(Kind.AUCTION).add(program.auctionAddress(coupon, auctionId));
		}
		return landed;
	}

	private LedgerTransaction endAuction() {
		String auction = pick(Kind.AUCTION);
		Map<String, Object> state = state(auction);
		if ("Dutch".equals(((io.couponsync.chain.value.EnumValue) state.get("auction_type")).variant())) {
			return program.buyDutchAuction(pickUser(), auction, shape());
		}
		if (state.get("highest_bidder") == null) {
			return program.cancelAuction(MarketplaceProgram.key(state.get("seller")), auction, "No bids", shape());
		}
		return program.finalizeAuction(authority, auction, shape());
	}

	private LedgerTransaction ticket() {
		List<String> tickets = known.get(Kind.TICKET);
		if (!tickets.isEmpty() && random.nextBoolean()) {
			String ticket = tickets.remove(random.nextInt(tickets.size()));
			Map<String, Object> state = state(ticket);
			if (random.nextInt(4) == 0) {
				return program.cancelRedemptionTicket(MarketplaceProgram.key(state.get("user")), ticket, shape());
			}
			String merchantAuthority = field(MarketplaceProgram.key(state.get("merchant")), "authority");
			return program.verifyAndRedeemTicket(merchantAuthority, ticket, shape());
		}
		String coupon = pick(Kind.COUPON);
		String owner = ownerOf(coupon);
		long nonce = nextId++;
		LedgerTransaction landed = program.generateRedemptionTicket(owner, coupon, nonce,
				random.nextBoolean() ? 48.8 : null, random.nextBoolean() ? 2.3 : null, shape());
		if (!landed.failed()) {
			tickets.add(program.ticketAddress(coupon, owner, nonce));
		}
		return landed;
	}

	private LedgerTransaction stake() {
		List<String> stakes = known.get(Kind.STAKE);
		if (!stakes.isEmpty() && random.nextBoolean()) {
			String stake = stakes.get(random.nextInt(stakes.size()));
			Map<String, Object> state = state(stake);
			return program.claimRewards(MarketplaceProgram.key(state.get("user")),
					MarketplaceProgram.key(state.get("coupon")), shape());
		}
		String coupon = pick(Kind.COUPON);
		String owner = ownerOf(coupon);
		LedgerTransaction landed = program.stakeCoupon(owner, coupon, 7 + random.nextInt(60), shape());
		if (!landed.failed()) {
			remember(Kind.STAKE, program.stakeAddress(coupon, owner));
		}
		return landed;
	}

	private LedgerTransaction externalDeal() {
		String[] sources = { "Skyscanner", "BookingCom", "Shopify", "Amazon", "Custom" };
		String externalId = "deal-" + random.nextInt(40);
		long original = 10_000L * (10 + random.nextInt(90));
		return program.updateExternalDeal(authority, sources[random.nextInt(sources.length)], externalId,
				"Deal " + externalId, original, original * (50 + random.nextInt(50)) / 100, pickOne(CATEGORIES),
				program.now() + 30L * 86_400, shape());
	}

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

	private String lastPicked;

	private String last() {
		return lastPicked;
	}

	private String pick(Kind kind) {
		lastPicked = pickFrom(known.get(kind));
		return lastPicked;
	}

	private void remember(Kind kind, String address) {
		if (!known.get(kind).contains(address)) {
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
		return field(coupon, "owner");
	}

	private Map<String, Object> state(String address) {
		AccountVersion version = program.ledger().account(address, Commitment.PROCESSED);
		if (version == null) {
			throw new NothingToPick();
		}
		TreeValueBuilder tree = new TreeValueBuilder();
		try {
			ProgramDecoder decoder = program.decoder();
			decoder.decodeAccount(new BorshInput().reset(version.data(), 0, version.data().length), tree);
		}
		catch (DecodeException ex) {
			throw new IllegalStateException(ex);
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> fields = (Map<String, Object>) tree.result();
		return fields;
	}

	private String field(String address, String name) {
		Object value = state(address).get(name);
		return value instanceof Number ? value.toString() : MarketplaceProgram.key(value);
	}

	private static long number(String text) {
		return Long.parseLong(text);
	}

	private String newWallet() {
		byte[] key = new byte[32];
		random.nextBytes(key);
		return Base58.encode(key);
	}

	private String badgeType() {
		String[] badges = { "FirstPurchase", "TenRedemptions", "FiftyRedemptions", "TopReviewer", "EarlyAdopter",
				"MerchantPartner", "CommunityModerator" };
		return badges[random.nextInt(badges.length)];
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
