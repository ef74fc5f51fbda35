package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.isTrue;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;

import java.util.Map;

import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * Staking: document §7. Every stake is of 1 000 000, whatever the coupon; rewards count the whole days elapsed
 * up to the claim. initialize_staking emits nothing.
 * <p>
 * stake_coupon moves the NFT into an SPL token account at the PDA {@code ["stake_vault", nft_mint]}, which no
 * instruction of the program creates and only the program could sign for, so on chain a stake only lands where
 * that vault exists. To keep staking traffic possible the simulator treats every vault as already there (it
 * writes the vault's token account when the NFT moves in); every other check of the instruction is kept.
 */
final class Staking {

	static final long AMOUNT_STAKED = 1_000_000;

	static final long DAY = 86_400;

	private final ProgramRuntime program;

	private final TokenAccounts tokens;

	Staking(ProgramRuntime program, TokenAccounts tokens) {
		this.program = program;
		this.tokens = tokens;
	}

	/** §7.1: the singleton pool; no event. */
	LedgerTransaction initializeStaking(String authority, long rewardRatePerDay, long minStakeDuration, Shape shape) {
		Invocation in = program.begin("initialize_staking", authority,
				fields("reward_rate_per_day", rewardRatePerDay, "min_stake_duration", minStakeDuration));
		String pool = program.pdas().stakingPool();
		in.account("staking_pool", pool);
		in.account("authority", authority);
		require(!in.occupied(pool), "AccountAlreadyInUse", "the staking pool exists");
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(pool, "StakingPool", fields("authority", authority, "total_staked", 0L, "total_rewards_distributed", 0L,
				"reward_rate_per_day", rewardRatePerDay, "min_stake_duration", minStakeDuration, "is_active", true,
				"created_at", program.now()));
		return program.submit(in, shape, 12_000);
	}

	/** §7.2: one stake per (coupon, user), never closed; the coupon stays the user's. */
	LedgerTransaction stakeCoupon(String user, String coupon, String nftMint, long durationDays, Shape shape) {
		Invocation in = program.begin("stake_coupon", user, fields("duration_days", durationDays));
		String stake = program.pdas().stake(coupon, user);
		String poolAddress = program.pdas().stakingPool();
		String userTokenAccount = program.pdas().associatedTokenAccount(user, nftMint);
		String vault = program.pdas().stakeVault(nftMint);
		in.account("stake_account", stake);
		in.account("staking_pool", poolAddress);
		in.account("coupon", coupon);
		in.account("nft_mint", nftMint);
		in.account("user_token_account", userTokenAccount);
		in.account("stake_vault", vault);
		in.account("user", user);
		Map<String, Object> state = program.load(in, coupon, "Coupon");
		Map<String, Object> pool = program.load(in, poolAddress, "StakingPool");
		require(key(state.get("owner")).equals(user), "NotCouponOwner", user + " does not own " + coupon);
		require(!isTrue(state.get("is_redeemed")), "CouponAlreadyRedeemed", "coupon " + coupon + " is redeemed");
		// why: the handler unwraps the coupon's mint, which a group coupon does not have
		require(state.get("mint") != null, "ProgramPanicked", "coupon " + coupon + " has no mint");
		require(key(state.get("mint")).equals(nftMint), "WrongCoupon", nftMint + " is not the coupon's mint");
		require(isTrue(pool.get("is_active")), "PromotionInactive", "the staking pool is inactive");
		require(durationDays > 0, "InvalidInput", "duration is 0 days");
		long seconds = Values.mulU64(durationDays, DAY);
		require(seconds >= number(pool.get("min_stake_duration")), "InvalidExpiry",
				"duration " + seconds + " s below the pool's minimum");
		require(!in.occupied(stake), "AccountAlreadyInUse", "stake " + stake + " exists");
		TokenAccounts.Holding holding = tokens.requireAccount(in, userTokenAccount, nftMint, user);
		long now = program.now();
		long unlockAt = Values.addU64(now, seconds);
		long expected = rewards(AMOUNT_STAKED, number(pool.get("reward_rate_per_day")), now, unlockAt);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		tokens.transferOne(in, userTokenAccount, holding, vault, vault);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: Transfer");
		in.save(stake, "StakeAccount", fields("user", user, "coupon", coupon, "nft_mint", nftMint, "amount_staked",
				AMOUNT_STAKED, "staked_at", now, "unlock_at", unlockAt, "duration_days", durationDays,
				"rewards_earned", 0L, "is_active", true, "claimed_at", null));
		pool.put("total_staked", Values.addU64(number(pool.get("total_staked")), AMOUNT_STAKED));
		in.save(poolAddress, "StakingPool", pool);
		in.emit("RewardsStaked", fields("staker", user, "amount", AMOUNT_STAKED, "duration", seconds,
				"expected_rewards", expected, "timestamp", now));
		return program.submit(in, shape, 39_000);
	}

	/**
	 * §7.3: the reward pool (the pool's authority) signs and pays the rewards; the NFT goes back to the user.
	 * Rewards count whole days up to now, which can exceed the staked duration.
	 */
	LedgerTransaction claimRewards(String user, String coupon, String rewardPool, Shape shape) {
		Invocation in = program.begin("claim_rewards", user, Map.of());
		String stake = program.pdas().stake(coupon, user);
		String poolAddress = program.pdas().stakingPool();
		Map<String, Object> state = program.load(in, stake, "StakeAccount");
		String nftMint = key(state.get("nft_mint"));
		String vault = program.pdas().stakeVault(nftMint);
		String userTokenAccount = program.pdas().associatedTokenAccount(user, nftMint);
		in.account("stake_account", stake);
		in.account("staking_pool", poolAddress);
		in.account("nft_mint", nftMint);
		in.account("stake_vault", vault);
		in.account("user_token_account", userTokenAccount);
		in.account("user", user);
		in.account("reward_pool", rewardPool);
		Map<String, Object> pool = program.load(in, poolAddress, "StakingPool");
		long now = program.now();
		require(key(state.get("user")).equals(user), "NotCouponOwner", user + " did not stake " + stake);
		require(isTrue(state.get("is_active")), "PromotionInactive", "stake " + stake + " is not active");
		require(key(pool.get("authority")).equals(rewardPool), "NotMarketplaceAuthority",
				rewardPool + " is not the pool authority");
		require(now >= number(state.get("unlock_at")), "InvalidExpiry", "stake " + stake + " is locked");
		long amount = number(state.get("amount_staked"));
		long rewards = rewards(amount, number(pool.get("reward_rate_per_day")), number(state.get("staked_at")), now);
		require(rewards > 0, "InvalidPrice", "no rewards");
		TokenAccounts.Holding held = tokens.requireAccount(in, vault, nftMint, vault);
		tokens.transferOne(in, vault, held, userTokenAccount, user);
		in.invoke(Pdas.TOKEN_PROGRAM, "Instruction: Transfer");
		in.invoke(Pdas.SYSTEM_PROGRAM);
		state.put("rewards_earned", rewards);
		state.put("is_active", false);
		state.put("claimed_at", now);
		in.save(stake, "StakeAccount", state);
		pool.put("total_staked", Values.subU64(number(pool.get("total_staked")), amount));
		pool.put("total_rewards_distributed", Values.addU64(number(pool.get("total_rewards_distributed")), rewards));
		in.save(poolAddress, "StakingPool", pool);
		in.emit("RewardsClaimed", fields("staker", user, "amount", rewards, "timestamp", now));
		return program.submit(in, shape, 28_000);
	}

	/** stake rewards(t) = floor(amount × rate × floor((t − staked_at) / 86400) / 10000), 0 before the stake. */
	static long rewards(long amount, long ratePerDay, long stakedAt, long at) {
		if (at < stakedAt) {
			return 0;
		}
		long days = (at - stakedAt) / DAY;
		return Values.mulU64(Values.mulU64(amount, ratePerDay), days) / 10_000;
	}
}
