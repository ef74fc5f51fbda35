package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * Transactions a fork dropped, landed again through the simulator as the tests and the scheduled traffic do, are
 * executed again: a rating a relanded rate_promotion wrote holds the Clock of the block it landed in at last
 * (program-semantics §4.1: updated_at is now on every rate_promotion).
 */
class RelandIT {

	@Test
	void theWorkloadsRelandedTransactionsWriteTheNewBlocksTime() {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			for (int slot = 0; slot < 40; slot++) {
				simulator.runWorkload(10);
				simulator.advanceSlots(1);
			}
			List<LedgerTransaction> all = simulator.ledger().transactions();
			List<LedgerTransaction> dropped = simulator.dropByFork(all.get(all.size() - 60));
			simulator.advanceSlots(80);
			long relandTime = simulator.ledger().blockTime(simulator.ledger().slot());
			List<LedgerTransaction> relanded = simulator.reland(dropped);

			assertThat(relanded).extracting(LedgerTransaction::signature)
				.containsExactlyElementsOf(dropped.stream().map(LedgerTransaction::signature).toList());
			Set<String> relandedSignatures = relanded.stream().map(LedgerTransaction::signature)
				.collect(Collectors.toSet());
			List<GroundTruth.Account> ratings = simulator.groundTruth().accounts(Commitment.PROCESSED).values()
				.stream().filter(account -> account.type().equals("Rating"))
				.filter(account -> relandedSignatures.contains(account.signature())).toList();
			assertThat(ratings).as("ratings last written by a relanded transaction").isNotEmpty();
			assertThat(ratings).allSatisfy(rating -> assertThat(((Number) rating.fields().get("updated_at")).longValue())
				.as(rating.address()).isEqualTo(relandTime));
		}
	}
}
