package io.couponsync.simulator.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * A transaction a fork dropped and that lands again is executed again, as a cluster does: with the Clock of the
 * block it lands in now and against the state as it is then. Expected values are written from the document
 * (§4.1: a rating's created_at and updated_at are {@code now}, the block time; a listing needs its coupon).
 */
class RelandTest {

	private static final long HOUR = 3_600;

	@Test
	void aRelandedTransactionReadsTheClockOfTheBlockItLandsIn() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.h.ledger.advanceSlot();
		long firstTime = m.h.now();
		LedgerTransaction rated = m.p.ratePromotion(alice, m.promotion, 4, ProgramHarness.PLAIN);
		String rating = m.p.ratingAddress(alice, m.promotion);
		assertThat(m.number(rating, "created_at")).isEqualTo(firstTime);

		List<LedgerTransaction> dropped = m.h.ledger.forkFrom(rated.slot());
		assertThat(m.h.exists(rating)).isFalse();
		m.h.passTime(HOUR);
		long relandTime = m.h.now();
		LedgerTransaction relanded = m.p.reexecute(dropped.get(0));

		assertThat(relanded.signature()).isEqualTo(rated.signature());
		assertThat(relanded.draft().err()).isNull();
		assertThat(relandTime).isGreaterThanOrEqualTo(firstTime + HOUR);
		assertThat(m.number(rating, "created_at")).isEqualTo(relandTime);
		assertThat(m.number(rating, "updated_at")).isEqualTo(relandTime);
		assertThat(m.number(m.p.userStatsAddress(alice), "last_activity")).isEqualTo(relandTime);
		assertThat(m.h.ledger.transaction(rated.signature())).isSameAs(relanded);
	}

	@Test
	void aRelandedTransactionWhoseAccountWentWithTheForkLandsFailedWithoutWrites() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.h.ledger.advanceSlot();
		String coupon = m.mint(alice);
		LedgerTransaction minted = m.last;
		m.h.ledger.advanceSlot();
		LedgerTransaction listed = m.p.listForSale(alice, coupon, 7_000_000, ProgramHarness.PLAIN);
		String listing = m.p.listingAddress(coupon);
		assertThat(m.h.exists(listing)).isTrue();

		List<LedgerTransaction> dropped = m.h.ledger.forkFrom(minted.slot());
		assertThat(dropped).extracting(LedgerTransaction::signature)
			.containsExactly(minted.signature(), listed.signature());
		LedgerTransaction relanded = m.p.reexecute(dropped.get(1));

		assertThat(relanded.signature()).isEqualTo(listed.signature());
		assertThat(relanded.draft().err()).isNotNull();
		assertThat(relanded.draft().writes()).isEmpty();
		assertThat(m.h.events(relanded)).isEmpty();
		assertThat(relanded.draft().logs())
			.anyMatch(line -> line.contains("AnchorError occurred. Error Code: AccountNotInitialized"));
		assertThat(m.h.exists(listing)).isFalse();
		assertThat(m.h.exists(coupon)).isFalse();
	}

	@Test
	void aTransactionRelandedTwiceIsExecutedAgainEachTime() {
		Market m = new Market();
		String alice = m.h.wallet();
		m.h.ledger.advanceSlot();
		LedgerTransaction rated = m.p.ratePromotion(alice, m.promotion, 2, ProgramHarness.PLAIN);
		String rating = m.p.ratingAddress(alice, m.promotion);

		m.h.passTime(HOUR);
		LedgerTransaction once = m.p.reexecute(m.h.ledger.forkFrom(rated.slot()).get(0));
		m.h.passTime(2 * HOUR);
		long secondTime = m.h.now();
		LedgerTransaction twice = m.p.reexecute(m.h.ledger.forkFrom(once.slot()).get(0));

		assertThat(twice.signature()).isEqualTo(rated.signature());
		assertThat(twice.slot()).isGreaterThan(once.slot());
		assertThat(m.number(rating, "created_at")).isEqualTo(secondTime);
		assertThat(m.number(rating, "stars")).isEqualTo(2);
	}
}
