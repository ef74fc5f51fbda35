package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;

/** The command line's scheduled traffic, seen from a WebSocket subscriber as the slots go by on their clock. */
class ScheduledTrafficIT {

	private static final int SLOT_MILLIS = 20;

	@Test
	void slipsAMalformedFrameInEveryFewSlotsAndStillNotifiesEveryTransaction() throws Exception {
		Ledger.Config ledger = new Ledger.Config(1, 32, 300, System.currentTimeMillis() / 1000, SLOT_MILLIS);
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings
			.manual(SolanaSimulator.bundledIdl())
			.withLedger(ledger)
			.withClock(SLOT_MILLIS, 0));
				RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
					+ simulator.programId() + "\"]},{\"commitment\":\"confirmed\"}]}");
			socket.raw.poll(5, TimeUnit.SECONDS);
			ScheduledTraffic traffic = new ScheduledTraffic(simulator,
					new ScheduledTraffic.Plan(200, 80, 0, 0, 0, 3, false));
			traffic.start();
			try {
				awaitEveryTransactionConfirmed(simulator, 80);
			}
			finally {
				traffic.interrupt();
			}

			int malformed = 0;
			int good = 0;
			String frame;
			while ((frame = socket.raw.poll(500, TimeUnit.MILLISECONDS)) != null) {
				boolean wellFormed = frame.contains("\"signature\"") && frame.contains("\"logs\"");
				malformed += wellFormed ? 0 : 1;
				good += wellFormed ? 1 : 0;
			}
			// 80 transactions at 200/s span about 20 slots: the fault is armed again and again, not once
			assertThat(malformed).isGreaterThanOrEqualTo(2);
			assertThat(good).as("a malformed frame comes before a notification, never instead of one")
				.isEqualTo(simulator.ledger().transactionCount());
		}
	}

	@Test
	void startsTheTrafficOnlyOnceSomeoneSubscribes() throws Exception {
		Ledger.Config ledger = new Ledger.Config(1, 32, 300, System.currentTimeMillis() / 1000, SLOT_MILLIS);
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings
			.manual(SolanaSimulator.bundledIdl())
			.withLedger(ledger)
			.withClock(SLOT_MILLIS, 0))) {
			ScheduledTraffic traffic = new ScheduledTraffic(simulator,
					new ScheduledTraffic.Plan(200, 80, 0, 0, 0, 0, true));
			traffic.start();
			try {
				long slot = simulator.ledger().slot();
				while (simulator.ledger().slot() < slot + 10) {
					Thread.sleep(SLOT_MILLIS);
				}
				assertThat(simulator.ledger().transactionCount()).as("slots go on, no traffic").isZero();

				try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
					socket.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"slotSubscribe\"}");
					awaitEveryTransactionConfirmed(simulator, 80);
				}
			}
			finally {
				traffic.interrupt();
			}
		}
	}

	private static void awaitEveryTransactionConfirmed(SolanaSimulator simulator, int count)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			List<LedgerTransaction> landed = simulator.ledger().transactions();
			if (landed.size() >= count) {
				LedgerTransaction last = landed.get(landed.size() - 1);
				if (simulator.ledger().slot(Commitment.CONFIRMED) >= last.slot()) {
					return;
				}
			}
			Thread.sleep(SLOT_MILLIS);
		}
		throw new AssertionError("the traffic did not land and confirm " + count + " transactions within 10 s");
	}
}
