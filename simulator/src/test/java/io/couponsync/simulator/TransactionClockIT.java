package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * The Clock an instruction reads is the block time of the slot it lands in (program-semantics §0), also while slots
 * advance and the clock jumps on another thread; and transactions a fork dropped, landed again through the
 * simulator as the tests and the scheduled traffic do, are executed again: a rating a relanded rate_promotion wrote
 * holds the Clock of the block it landed in at last (§4.1: updated_at is now on every rate_promotion).
 */
class TransactionClockIT {

	@Test
	void everyTransactionReadsTheClockOfTheBlockItLandsInWhileSlotsAdvanceConcurrently() throws Exception {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			AtomicBoolean landing = new AtomicBoolean(true);
			Thread slots = new Thread(() -> {
				while (landing.get()) {
					simulator.ledger().advanceClock(3_600);
					simulator.advanceSlots(1);
				}
			});
			slots.start();
			simulator.runWorkload(1_000);
			landing.set(false);
			slots.join();

			int timestamps = 0;
			for (LedgerTransaction transaction : simulator.ledger().transactions()) {
				for (DecodedEvent event : simulator.groundTruth().events(transaction).events()) {
					Object timestamp = event.fields().get("timestamp");
					if (timestamp != null) {
						timestamps++;
						assertThat(((Number) timestamp).longValue()).as("%s in slot %d", event.name(), transaction.slot())
							.isEqualTo(simulator.ledger().blockTime(transaction.slot()));
					}
				}
			}
			assertThat(timestamps).isPositive();
		}
	}

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
