package io.couponsync.simulator;

import java.util.List;
import java.util.Random;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * What the command-line simulator does as its slots go by: lands workload transactions at a rate (up to a total,
 * from the start or from the first WebSocket subscription on),
 * after which the cluster only finalizes), forks away the newest unfinalized slots every few slots — a share of
 * their transactions landing again, as resubmitted transactions do — drops every WebSocket connection every
 * few slots, and slips a malformed frame in ahead of the next logs notification every few slots.
 */
final class ScheduledTraffic extends Thread {

	private static final Logger log = LoggerFactory.getLogger(ScheduledTraffic.class);

	/**
	 * @param transactionsPerSecond workload rate
	 * @param maxTransactions total to land; 0 = no end
	 * @param forkEverySlots 0 = no forks
	 * @param relandShare share of each fork's dropped transactions landed again
	 * @param dropConnectionsEverySlots 0 = connections stay up
	 * @param malformedEverySlots 0 = every frame is well formed
	 * @param awaitSubscriber no traffic (slots go on) until a WebSocket subscription exists
	 */
	record Plan(double transactionsPerSecond, long maxTransactions, int forkEverySlots, double relandShare,
			int dropConnectionsEverySlots, int malformedEverySlots, boolean awaitSubscriber) {
	}

	private static final int MAX_FORK_SLOTS = 4;

	private final SolanaSimulator simulator;

	private final Random random = new Random(7);

	private final Plan plan;

	private long landed;

	private double owed;

	ScheduledTraffic(SolanaSimulator simulator, Plan plan) {
		super("simulator-traffic");
		setDaemon(true);
		this.simulator = simulator;
		this.plan = plan;
	}

	@Override
	public void run() {
		long slotMillis = Math.max(1, simulator.ledger().config().slotMillis());
		if (plan.awaitSubscriber() && !awaitSubscriber(slotMillis)) {
			return;
		}
		long lastSlot = simulator.ledger().slot();
		long next = System.nanoTime();
		while (!isInterrupted()) {
			try {
				next += slotMillis * 1_000_000 / 4;
				Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
				landTransactions(slotMillis / 4.0);
				long slot = simulator.ledger().slot();
				for (long s = lastSlot + 1; s <= slot; s++) {
					onSlot(s);
				}
				lastSlot = slot;
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("simulator traffic step failed", ex);
			}
		}
	}

	/**
	 * Waits for the first WebSocket subscription; false if interrupted meanwhile. why: a test then knows its indexer
	 * meets the whole traffic, however long it takes to start
	 */
	private boolean awaitSubscriber(long slotMillis) {
		log.info("Simulator: no traffic until a WebSocket subscription; slots go on");
		try {
			while (simulator.pubSub().subscriptionCount() == 0) {
				Thread.sleep(slotMillis);
			}
		}
		catch (InterruptedException ex) {
			return false;
		}
		log.info("Simulator: a subscription at slot {}; traffic starts", simulator.ledger().slot());
		return true;
	}

	private void landTransactions(double millis) {
		owed += plan.transactionsPerSecond() * millis / 1000;
		while (owed >= 1 && (plan.maxTransactions() == 0 || landed < plan.maxTransactions())) {
			simulator.runWorkload(1);
			landed++;
			owed--;
			if (landed == plan.maxTransactions()) {
				log.info("Simulator: {} transactions landed by slot {}; no more traffic, slots go on", landed,
						simulator.ledger().slot());
			}
		}
		owed = Math.min(owed, 1);
	}

	private void onSlot(long slot) {
		if (plan.forkEverySlots() > 0 && slot % plan.forkEverySlots() == 0 && trafficFlows()) {
			fork();
		}
		if (plan.dropConnectionsEverySlots() > 0 && slot % plan.dropConnectionsEverySlots() == 0) {
			simulator.dropConnections();
		}
		if (plan.malformedEverySlots() > 0 && slot % plan.malformedEverySlots() == 0) {
			// why: one frame, ahead of the next logs notification, which itself stays intact: only a subscriber that
			// chokes on the frame, or drops its connection over it, loses anything
			simulator.faults().sendMalformedNotifications(1);
		}
	}

	/** Forks the last traffic's transactions won't meet: once it ends, the chain settles. */
	private boolean trafficFlows() {
		return plan.maxTransactions() == 0 || landed < plan.maxTransactions();
	}

	/**
	 * Forks away the last 1 to {@value #MAX_FORK_SLOTS} slots (as real forks mostly do), never a finalized one:
	 * from the first transaction in them on, everything is dropped.
	 */
	private void fork() {
		long fromSlot = Math.max(simulator.ledger().slot(Commitment.FINALIZED) + 1,
				simulator.ledger().slot() - 1 - random.nextInt(MAX_FORK_SLOTS));
		// why: block by block, not a scan of the whole history, which grows for as long as the simulator runs
		LedgerTransaction first = null;
		for (long slot = fromSlot; first == null && slot <= simulator.ledger().slot(); slot++) {
			List<LedgerTransaction> block = simulator.ledger().block(slot);
			first = block.isEmpty() ? null : block.get(0);
		}
		if (first == null) {
			return;
		}
		List<LedgerTransaction> dropped = simulator.dropByFork(first);
		int relanded = (int) Math.round(dropped.size() * plan.relandShare());
		simulator.reland(dropped.subList(0, relanded));
		log.info("Simulator fork from slot {}: {} transactions dropped, {} of them landed again", first.slot(),
				dropped.size(), relanded);
	}
}
