package io.couponsync.simulator.marketplace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * A small marketplace for hand-written expectations: the marketplace and staking pool (by default reward rate
 * 100 per day, minimum stake one day), one merchant and one promotion (20 %, supply 10, price 5 000 000,
 * expiring in 30 days).
 * Every instruction lands with the plain shape; {@link #last} is the last transaction.
 */
final class Market {

	static final long DAY = 86_400;

	final ProgramHarness h = new ProgramHarness();

	final MarketplaceProgram p = h.program;

	final String admin = h.wallet();

	final String owner = h.wallet();

	final String merchant;

	final String promotion;

	final Map<String, String> mints = new HashMap<>();

	LedgerTransaction last;

	private long nextId = 1;

	Market() {
		this(100, DAY);
	}

	Market(long rewardRatePerDay, long minStakeDuration) {
		land(p.initialize(admin, ProgramHarness.PLAIN));
		land(p.initializeStaking(admin, rewardRatePerDay, minStakeDuration, ProgramHarness.PLAIN));
		land(p.registerMerchant(owner, "Bistro", "Food", null, null, ProgramHarness.PLAIN));
		merchant = p.merchantAddress(owner);
		land(p.createPromotion(owner, 20, 10, h.now() + 30 * DAY, "Food", "Lunch deal", 5_000_000,
				ProgramHarness.PLAIN));
		promotion = p.promotionAddress(merchant, 0);
	}

	LedgerTransaction land(LedgerTransaction transaction) {
		last = transaction;
		return transaction;
	}

	/** Mints a coupon of the market's promotion to the recipient and returns its address. */
	String mint(String recipient) {
		return mint(promotion, recipient);
	}

	String mint(String ofPromotion, String recipient) {
		String coupon = p.couponAddress(ofPromotion, h.number(ofPromotion, "current_supply"));
		String nftMint = h.wallet();
		String authority = ((PublicKey) h.account(((PublicKey) h.account(ofPromotion).get("merchant")).toBase58())
			.get("authority")).toBase58();
		land(p.mintCoupon(authority, ofPromotion, recipient, nextId++, nftMint, ProgramHarness.PLAIN));
		mints.put(coupon, nftMint);
		return coupon;
	}

	long id() {
		return nextId++;
	}

	/** A group deal on the market's promotion; tiers are {min_participants, discount_percentage}. */
	String groupDeal(long target, long max, long basePrice, List<long[]> tiers) {
		long dealId = nextId++;
		land(p.createGroupDeal(h.wallet(), promotion, dealId, target, max, basePrice, tiers, 3_600,
				ProgramHarness.PLAIN));
		return p.groupDealAddress(promotion, dealId);
	}

	String auction(String seller, String coupon, String type, long starting, long reserve, boolean autoExtend,
			long increment) {
		long auctionId = nextId++;
		land(p.createAuction(seller, coupon, auctionId, type, starting, reserve, 600, autoExtend, increment,
				ProgramHarness.PLAIN));
		return p.auctionAddress(coupon, auctionId);
	}

	Map<String, Object> account(String address) {
		return h.account(address);
	}

	Map<String, Object> stats(String user) {
		return h.account(p.userStatsAddress(user));
	}

	long stat(String user, String field) {
		return ((Number) stats(user).get(field)).longValue();
	}

	long number(String address, String field) {
		return h.number(address, field);
	}

	String tier(String user) {
		return ((io.couponsync.chain.value.EnumValue) stats(user).get("tier")).variant();
	}

	List<DecodedEvent> events() {
		return h.events(last);
	}

	DecodedEvent event() {
		return h.event(last);
	}

	static String key(Object value) {
		return value == null ? null : ((PublicKey) value).toBase58();
	}
}
