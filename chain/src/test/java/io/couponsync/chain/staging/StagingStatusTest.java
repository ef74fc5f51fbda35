package io.couponsync.chain.staging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StagingStatusTest {

	@Test
	void allowsOnlyTheMovesOfTheLifeCycle() {
		assertThat(StagingStatus.RECEIVED.canMoveTo(StagingStatus.APPLIED)).isTrue();
		assertThat(StagingStatus.RECEIVED.canMoveTo(StagingStatus.DEAD)).isTrue();
		assertThat(StagingStatus.DEAD.canMoveTo(StagingStatus.RECEIVED)).as("re-queue a dead letter").isTrue();
		assertThat(StagingStatus.APPLIED.canMoveTo(StagingStatus.RECEIVED)).as("replay").isTrue();
		assertThat(StagingStatus.DROPPED.canMoveTo(StagingStatus.RECEIVED)).as("reported again by the chain").isTrue();
		assertThat(StagingStatus.DROPPED.canMoveTo(StagingStatus.APPLIED)).isFalse();
		assertThat(StagingStatus.APPLIED.canMoveTo(StagingStatus.DEAD)).isFalse();
		assertThat(StagingStatus.allowedBefore(StagingStatus.APPLIED)).containsExactly(StagingStatus.RECEIVED);
		assertThat(ChainCommitment.CONFIRMED.canMoveTo(ChainCommitment.FINALIZED)).isTrue();
		assertThat(ChainCommitment.FINALIZED.canMoveTo(ChainCommitment.DROPPED)).isFalse();
		assertThat(ChainCommitment.DROPPED.canMoveTo(ChainCommitment.CONFIRMED)).isTrue();
		assertThat(StagingStatus.of("applied")).isEqualTo(StagingStatus.APPLIED);
	}
}
