package io.couponsync.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	@Test
	void spacesPermitsAtTheCeilingAndCountsEachBatchElement() {
		RequestRateLimiter tenPerSecond = new RequestRateLimiter(10);

		assertThat(tenPerSecond.reserve(1, 0)).isZero();
		assertThat(tenPerSecond.reserve(1, 0)).isEqualTo(SECOND / 10);
		assertThat(tenPerSecond.reserve(5, 0)).as("after two permits").isEqualTo(2 * SECOND / 10);
		assertThat(tenPerSecond.reserve(1, 0)).as("the batch took five").isEqualTo(7 * SECOND / 10);
		assertThat(tenPerSecond.reserve(1, 5 * SECOND)).as("idle time is not banked").isZero();
	}

	@Test
	void doesNothingWithoutACeiling() {
		RequestRateLimiter unlimited = new RequestRateLimiter(0);
		for (int i = 0; i < 100; i++) {
			assertThat(unlimited.reserve(50, 0)).isZero();
		}
	}
}
