package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.isTrue;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;

import io.couponsync.chain.Base58;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * Redemption tickets: document §8. A ticket lives five minutes; verifying it redeems the coupon with two events
 * (TicketRedeemed, then CouponRedeemed coded {@code TICKET-<nonce>}) and closes the user's token account;
 * cancelling it closes it without an event.
 */
final class RedemptionTickets {

	static final long TICKET_LIFETIME = 300;

	private final ProgramRuntime program;

	private final UserStatsBook userStats;

	private final TokenAccounts tokens;

	private final Coupons coupons;

	RedemptionTickets(ProgramRuntime program, UserStatsBook userStats, TokenAccounts tokens, Coupons coupons) {
		this.program = program;
		this.userStats = userStats;
		this.tokens = tokens;
		this.coupons = coupons;
	}

	/** §8.1 */
	LedgerTransaction generateRedemptionTicket(String user, String coupon, long nonce, Double latitude,
			Double longitude, Shape shape) {
		Invocation in = program.begin("generate_redemption_ticket", user,
				fields("nonce", nonce, "latitude", latitude, "longitude", longitude));
		String ticket = program.pdas().ticket(coupon, user, nonce);
		in.account("ticket", ticket);
		in.account("coupon", coupon);
		in.account("user", user);
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		require(key(state.get("owner")).equals(user), "NotCouponOwner", user + " does not own " + coupon);
		coupons.requireRedeemable(state, coupon);
		boolean located = latitude != null && longitude != null;
		if (located) {
			Merchants.requireCoordinates(latitude, longitude);
		}
		require(!in.occupied(ticket), "AccountAlreadyInUse", "ticket " + ticket + " exists");
		long now = program.now();
		long expiresAt = now + TICKET_LIFETIME;
		byte[] hash = hash(coupon, user, nonce);
		Map<String, Object> location = located ? fields("latitude", Merchants.microDegrees(latitude), "longitude",
				Merchants.microDegrees(longitude), "timestamp", now) : null;
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(ticket, "RedemptionTicket", fields("coupon", coupon, "user", user, "merchant", state.get("merchant"),
				"ticket_hash", hash, "created_at", now, "expires_at", expiresAt, "is_consumed", false, "nonce", nonce,
				"redemption_location", location));
		in.emit("TicketGenerated", fields("ticket", ticket, "coupon", coupon, "user", user, "merchant",
				state.get("merchant"), "ticket_hash", hash, "expires_at", expiresAt, "nonce", nonce));
		return program.submit(in, shape, 23_000);
	}

	/**
	 * §8.2: the ticket's user and the merchant authority sign; the coupon's owner and expiry are not checked, the
	 * ticket's expiry is. Burns the token, closes the token account, keeps the ticket (consumed).
	 */
	LedgerTransaction verifyAndRedeemTicket(String merchantAuthority, String user, String ticket, String coupon,
			String merchant, byte[] expectedHash, Shape shape) {
		Invocation in = program.begin("verify_and_redeem_ticket", user, fields("expected_hash", expectedHash));
		Map<String, Object> state = program.load(in, ticket, "RedemptionTicket");
		Map<String, Object> couponState = program.load(in, coupon, "Coupon");
		String ticketUser = key(state.get("user"));
		// why: group coupons have no mint, and the handler aborts unwrapping it
		require(couponState.get("mint") != null, "ProgramPanicked", "coupon " + coupon + " has no mint");
		String nftMint = key(couponState.get("mint"));
		String tokenAccount = program.pdas().associatedTokenAccount(ticketUser, nftMint);
		in.account("ticket", ticket);
		in.account("coupon", coupon);
		in.account("nft_mint", nftMint);
		in.account("token_account", tokenAccount);
		in.account("merchant", merchant);
		in.account("user_stats", program.pdas().userStats(ticketUser));
		in.account("user", user);
		in.account("merchant_authority", merchantAuthority);
		Map<String, Object> merchantState = program.load(in, merchant, "Merchant");
		UserStatsBook.Stats stats = userStats.existing(in, ticketUser);
		long now = program.now();
		require(!isTrue(state.get("is_consumed")) && !isTrue(couponState.get("is_redeemed")), "CouponAlreadyRedeemed",
				"ticket consumed or coupon redeemed");
		require(key(state.get("merchant")).equals(merchant), "WrongMerchant", merchant + " is not the ticket's");
		require(key(state.get("coupon")).equals(coupon), "WrongCoupon", coupon + " is not the ticket's");
		require(key(merchantState.get("authority")).equals(merchantAuthority), "NotMerchantAuthority",
				merchantAuthority + " is not the authority of " + merchant);
		require(ticketUser.equals(user), "NotCouponOwner", user + " is not the ticket's user");
		require(now < number(state.get("expires_at")), "CouponExpired", "ticket " + ticket + " expired");
		byte[] stored = (byte[]) state.get("ticket_hash");
		require(Arrays.equals(expectedHash, stored)
				&& Arrays.equals(hash(coupon, ticketUser, number(state.get("nonce"))), stored), "InvalidInput",
				"ticket hash does not match");
		TokenAccounts.Holding holding = tokens.requireAccount(in, tokenAccount, nftMint, ticketUser);
		tokens.burnOne(in, tokenAccount, holding);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: Burn");
		tokens.close(in, tokenAccount);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: CloseAccount");
		state.put("is_consumed", true);
		in.save(ticket, "RedemptionTicket", state);
		couponState.put("is_redeemed", true);
		couponState.put("redeemed_at", now);
		in.save(coupon, "Coupon", couponState);
		merchantState.put("total_coupons_redeemed",
				Values.addU64(number(merchantState.get("total_coupons_redeemed")), 1));
		in.save(merchant, "Merchant", merchantState);
		stats.increment("total_redemptions").reputation(10).touchActivity().save();
		in.emit("TicketRedeemed", fields("ticket", ticket, "coupon", coupon, "nft_mint", nftMint, "user", ticketUser,
				"merchant", merchant, "redeemed_at", now));
		in.emit("CouponRedeemed", fields("coupon", coupon, "nft_mint", nftMint, "user", ticketUser, "merchant",
				merchant, "discount_percentage", couponState.get("discount_percentage"), "redemption_code",
				"TICKET-" + Long.toUnsignedString(number(state.get("nonce"))), "timestamp", now));
		return program.submit(in, shape, 34_000);
	}

	/** §8.3: closes an unconsumed ticket, which frees its nonce; emits nothing. */
	LedgerTransaction cancelRedemptionTicket(String user, String ticket, Shape shape) {
		Invocation in = program.begin("cancel_redemption_ticket", user, Map.of());
		in.account("ticket", ticket);
		in.account("user", user);
		Map<String, Object> state = program.load(in, ticket, "RedemptionTicket");
		require(key(state.get("user")).equals(user), "NotCouponOwner", user + " is not the ticket's user");
		require(!isTrue(state.get("is_consumed")), "CouponAlreadyRedeemed", "ticket " + ticket + " is consumed");
		in.close(ticket);
		return program.submit(in, shape, 7_000);
	}

	/** ticket hash = SHA-256(coupon key ‖ user key ‖ nonce u64 LE). */
	static byte[] hash(String coupon, String user, long nonce) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(Base58.decode(coupon));
			sha256.update(Base58.decode(user));
			sha256.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(nonce).array());
			return sha256.digest();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
