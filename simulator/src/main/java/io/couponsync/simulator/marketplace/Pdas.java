package io.couponsync.simulator.marketplace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDerivedAddress;

/**
 * Every address the program derives (document §14's seed table, with the seed widths of §13 fact 8), plus the
 * associated token accounts and Metaplex accounts its instructions pass. Derivation is costly, so results are
 * cached.
 */
final class Pdas {

	static final String SYSTEM_PROGRAM = "11111111111111111111111111111111";

	static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

	static final String ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";

	static final String TOKEN_METADATA_PROGRAM = "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s";

	static final String SYSVAR_INSTRUCTIONS = "Sysvar1nstructions1111111111111111111111111";

	static final String SYSVAR_RENT = "SysvarRent111111111111111111111111111111111";

	private final byte[] programId;

	private final Map<String, String> cache = new ConcurrentHashMap<>();

	Pdas(String programId) {
		this.programId = Base58.decode(programId);
	}

	String marketplace() {
		return pda(bytes("marketplace"));
	}

	String stakingPool() {
		return pda(bytes("staking_pool"));
	}

	String eventAuthority() {
		return pda(bytes("__event_authority"));
	}

	String merchant(String authority) {
		return pda(bytes("merchant"), seed(authority));
	}

	/** The seed index is the merchant's total_coupons_created at creation time, as u64 LE. */
	String promotion(String merchant, long index) {
		return pda(bytes("promotion"), seed(merchant), u64(index));
	}

	/** The seed index is the promotion's current_supply before the mint, as u32 LE. */
	String coupon(String promotion, long supplyIndex) {
		return pda(bytes("coupon"), seed(promotion), u32(supplyIndex));
	}

	String groupCoupon(String groupDeal, String user) {
		return pda(bytes("group_coupon"), seed(groupDeal), seed(user));
	}

	String listing(String coupon) {
		return pda(bytes("listing"), seed(coupon));
	}

	String userStats(String user) {
		return pda(bytes("user_stats"), seed(user));
	}

	String rating(String user, String promotion) {
		return pda(bytes("rating"), seed(user), seed(promotion));
	}

	String comment(String user, String promotion) {
		return pda(bytes("comment"), seed(user), seed(promotion));
	}

	String commentLike(String user, String comment) {
		return pda(bytes("comment_like"), seed(user), seed(comment));
	}

	String groupDeal(String promotion, long dealId) {
		return pda(bytes("group_deal"), seed(promotion), u64(dealId));
	}

	String groupEscrow(String groupDeal) {
		return pda(bytes("group_escrow"), seed(groupDeal));
	}

	String participant(String groupDeal, String user) {
		return pda(bytes("participant"), seed(groupDeal), seed(user));
	}

	String auction(String coupon, long auctionId) {
		return pda(bytes("auction"), seed(coupon), u64(auctionId));
	}

	/** The seed index is the auction's bid_count before the bid, as u32 LE. */
	String bid(String auction, String bidder, long bidIndex) {
		return pda(bytes("bid"), seed(auction), seed(bidder), u32(bidIndex));
	}

	String auctionEscrow(String auction) {
		return pda(bytes("auction_escrow"), seed(auction));
	}

	String ticket(String coupon, String user, long nonce) {
		return pda(bytes("ticket"), seed(coupon), seed(user), u64(nonce));
	}

	String stake(String coupon, String user) {
		return pda(bytes("stake"), seed(coupon), seed(user));
	}

	String stakeVault(String nftMint) {
		return pda(bytes("stake_vault"), seed(nftMint));
	}

	/** The IDL does not list these seeds: the badge type is one byte, its variant index. */
	String badge(String user, int badgeType) {
		return pda(bytes("badge"), seed(user), new byte[] { (byte) badgeType });
	}

	/** The runtime caps every seed at 32 bytes, so a longer external id has no address. */
	String externalDeal(String externalId) {
		byte[] id = bytes(externalId);
		Values.require(id.length <= ProgramDerivedAddress.MAX_SEED_LENGTH, "MaxSeedLengthExceeded",
				"external_id has " + id.length + " bytes; a seed holds at most 32");
		return pda(bytes("external_deal"), id);
	}

	String associatedTokenAccount(String owner, String mint) {
		return derive(ASSOCIATED_TOKEN_PROGRAM, seed(owner), seed(TOKEN_PROGRAM), seed(mint));
	}

	String metadata(String mint) {
		return derive(TOKEN_METADATA_PROGRAM, bytes("metadata"), seed(TOKEN_METADATA_PROGRAM), seed(mint));
	}

	String masterEdition(String mint) {
		return derive(TOKEN_METADATA_PROGRAM, bytes("metadata"), seed(TOKEN_METADATA_PROGRAM), seed(mint),
				bytes("edition"));
	}

	private String pda(byte[]... seeds) {
		return derive(null, seeds);
	}

	private String derive(String owner, byte[]... seeds) {
		StringBuilder cacheKey = new StringBuilder(owner == null ? "" : owner).append(':');
		for (byte[] seed : seeds) {
			cacheKey.append(Base58.encode(seed)).append('/');
		}
		byte[] program = owner == null ? programId : Base58.decode(owner);
		return cache.computeIfAbsent(cacheKey.toString(),
				key -> ProgramDerivedAddress.find(List.of(seeds), program).base58());
	}

	private static byte[] seed(String key) {
		return Base58.decode(key);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] u64(long value) {
		byte[] bytes = new byte[8];
		for (int i = 0; i < 8; i++) {
			bytes[i] = (byte) (value >>> (8 * i));
		}
		return bytes;
	}

	static byte[] u32(long value) {
		return Arrays.copyOf(u64(value), 4);
	}
}
