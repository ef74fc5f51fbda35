package io.couponsync.jobs.readmodel;

import java.util.Map;

import org.bson.BsonString;

/**
 * Staking: the pool's totals, and a summary per staker. Neither event names the coupon or the stake account, so
 * stake accounts themselves come from account reads; initialize_staking emits nothing, so the pool's other fields
 * do too.
 */
final class StakingProjections {

	void register(Map<String, EventProjection> projections) {
		projections.put("RewardsStaked", (event, context) -> {
			String staker = staker(event, context);
			context.touch("stakers.stakes", staker);
			context.touch("stakers.staked", staker);
			context.touch("stakingPool.totalStaked", "");
			// why: the pool account has both totals; a pool that only saw stakes shows 0 distributed
			context.touch("stakingPool.totalRewardsDistributed", "");
		});
		projections.put("RewardsClaimed", (event, context) -> {
			String staker = staker(event, context);
			context.touch("stakers.claims", staker);
			context.touch("stakers.staked", staker);
			context.touch("stakers.rewardsClaimed", staker);
			context.touch("stakingPool.totalStaked", "");
			context.touch("stakingPool.totalRewardsDistributed", "");
		});
	}

	private static String staker(ChainEvent event, ProjectionContext context) {
		String staker = event.text("staker");
		context.set(Projections.STAKERS, staker, "staker", new BsonString(staker));
		return staker;
	}
}
