package io.couponsync.simulator;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlLoader;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceProgram;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;
import io.couponsync.simulator.rpc.Faults;
import io.couponsync.simulator.rpc.PubSub;
import io.couponsync.simulator.rpc.RpcMetrics;
import io.couponsync.simulator.rpc.RpcServer;

/**
 * A Solana cluster in a box for the coupon marketplace: a ledger whose slots advance on a clock (or by hand), the
 * program driven by a workload at a chosen rate, and an RPC node (HTTP JSON-RPC + WebSocket PubSub) on loopback.
 * Embeddable in tests; {@link SimulatorMain} runs it alone.
 */
public final class SolanaSimulator implements AutoCloseable {

	public static final String DEFAULT_PROGRAM_ID = "9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3";

	private static final Logger log = LoggerFactory.getLogger(SolanaSimulator.class);

	/**
	 * How to run.
	 * @param slotMillis slot length; 0 = slots advance only by {@link #advanceSlots}
	 * @param transactionsPerSecond workload rate; 0 = transactions land only by {@link #runWorkload}
	 */
	public record Settings(String programId, Idl idl, long seed, int httpPort, int wsPort, long slotMillis,
			double transactionsPerSecond, Ledger.Config ledger, MarketplaceWorkload.Options workload) {

		public static Settings manual(Idl idl) {
			return new Settings(DEFAULT_PROGRAM_ID, idl, 1, 0, 0, 0, 0, Ledger.Config.towerBft(),
					MarketplaceWorkload.Options.realistic());
		}

		public Settings withClock(long slotMillis, double transactionsPerSecond) {
			return new Settings(programId, idl, seed, httpPort, wsPort, slotMillis, transactionsPerSecond, ledger,
					workload);
		}

		public Settings withLedger(Ledger.Config ledger) {
			return new Settings(programId, idl, seed, httpPort, wsPort, slotMillis, transactionsPerSecond, ledger,
					workload);
		}

		public Settings withWorkload(MarketplaceWorkload.Options workload) {
			return new Settings(programId, idl, seed, httpPort, wsPort, slotMillis, transactionsPerSecond, ledger,
					workload);
		}

		public Settings withPorts(int httpPort, int wsPort) {
			return new Settings(programId, idl, seed, httpPort, wsPort, slotMillis, transactionsPerSecond, ledger,
					workload);
		}

		public Settings withSeed(long seed) {
			return new Settings(programId, idl, seed, httpPort, wsPort, slotMillis, transactionsPerSecond, ledger,
					workload);
		}

		public Settings withProgramId(String programId) {
			return new Settings(programId, idl, seed, httpPort, wsPort, slotMillis, transactionsPerSecond, ledger,
					workload);
		}
	}

	private final Settings settings;

	private final Ledger ledger;

	private final MarketplaceWorkload workload;

	private final Faults faults = new Faults();

	private final RpcServer server;

	private final GroundTruth groundTruth;

	private final ScheduledExecutorService clock;

	private SolanaSimulator(Settings settings) {
		this.settings = settings;
		this.ledger = new Ledger(settings.ledger(), settings.seed());
		MarketplaceProgram program = new MarketplaceProgram(settings.idl(), settings.programId(), ledger);
		this.workload = new MarketplaceWorkload(program, settings.seed(), settings.workload());
		this.server = new RpcServer(ledger, faults, "127.0.0.1", settings.httpPort(), settings.wsPort());
		this.groundTruth = new GroundTruth(ledger, ProgramDecoder.compile(settings.idl()), settings.programId());
		this.clock = settings.slotMillis() > 0 || settings.transactionsPerSecond() > 0
				? Executors.newScheduledThreadPool(2, runnable -> {
					Thread thread = new Thread(runnable, "simulator-clock");
					thread.setDaemon(true);
					return thread;
				}) : null;
	}

	public static SolanaSimulator start(Settings settings) {
		SolanaSimulator simulator = new SolanaSimulator(settings);
		simulator.startClocks();
		log.info("Solana simulator: JSON-RPC {} , PubSub {} , program {}", simulator.rpcUrl(), simulator.wsUrl(),
				settings.programId());
		return simulator;
	}

	/** The coupon marketplace IDL the simulator ships (a copy of the project's config/idl file). */
	public static Idl bundledIdl() {
		try (InputStream in = SolanaSimulator.class.getResourceAsStream("/discount_platform.json")) {
			return IdlLoader.load(in, "discount_platform.json");
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void startClocks() {
		if (clock == null) {
			return;
		}
		if (settings.slotMillis() > 0) {
			clock.scheduleAtFixedRate(guarded(ledger::advanceSlot), settings.slotMillis(), settings.slotMillis(),
					TimeUnit.MILLISECONDS);
		}
		if (settings.transactionsPerSecond() > 0) {
			long periodMicros = Math.max(1, (long) (1_000_000 / settings.transactionsPerSecond()));
			workload.bootstrap();
			clock.scheduleAtFixedRate(guarded(workload::step), periodMicros, periodMicros, TimeUnit.MICROSECONDS);
		}
	}

	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				log.warn("simulator task failed", ex);
			}
		};
	}

	public String rpcUrl() {
		return "http://127.0.0.1:" + server.httpPort();
	}

	public String wsUrl() {
		return "ws://127.0.0.1:" + server.wsPort();
	}

	public String programId() {
		return settings.programId();
	}

	public Ledger ledger() {
		return ledger;
	}

	public MarketplaceWorkload workload() {
		return workload;
	}

	public Faults faults() {
		return faults;
	}

	public RpcMetrics metrics() {
		return server.metrics();
	}

	public PubSub pubSub() {
		return server.pubSub();
	}

	public GroundTruth groundTruth() {
		return groundTruth;
	}

	/** Lands {@code count} workload transactions now, in the current slot(s). */
	public List<LedgerTransaction> runWorkload(int count) {
		List<LedgerTransaction> landed = new java.util.ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			landed.add(workload.step());
		}
		return landed;
	}

	public void advanceSlots(int count) {
		for (int i = 0; i < count; i++) {
			ledger.advanceSlot();
		}
	}

	/** Closes every WebSocket connection (subscriptions are gone; clients must reconnect and resubscribe). */
	public void dropConnections() {
		server.pubSub().dropAllConnections();
	}

	/** A fork abandons the unfinalized slots from the transaction's slot on; their transactions are dropped. */
	public List<LedgerTransaction> dropByFork(LedgerTransaction transaction) {
		synchronized (workload) {
			List<LedgerTransaction> dropped = ledger.forkFrom(transaction.slot());
			workload.reconcileWithLedger();
			return dropped;
		}
	}

	/**
	 * Lands transactions a fork dropped again, in order, in the current slot, executing each again as a cluster
	 * does: the new block's Clock, the state as it is now (see {@link MarketplaceProgram#reexecute}).
	 */
	public List<LedgerTransaction> reland(List<LedgerTransaction> dropped) {
		synchronized (workload) {
			List<LedgerTransaction> landed = new ArrayList<>();
			dropped.forEach(transaction -> landed.add(workload.program().reexecute(transaction)));
			workload.reconcileWithLedger();
			return landed;
		}
	}

	/**
	 * Lands transactions a fork dropped again, failing this time — the state they ran against went with the fork
	 * (an account they needed is gone, a price changed) — as a cluster re-executing them would: same message, an
	 * error, no writes, logs ending at the failure.
	 */
	public List<LedgerTransaction> relandFailing(List<LedgerTransaction> dropped) {
		synchronized (workload) {
			List<LedgerTransaction> landed = new ArrayList<>();
			dropped.forEach(transaction -> landed.add(ledger.reland(transaction,
					transaction.draft().failingWith("ConstraintRaw", 2003, "A raw constraint was violated"))));
			workload.reconcileWithLedger();
			return landed;
		}
	}

	@Override
	public void close() {
		if (clock != null) {
			clock.shutdownNow();
		}
		server.close();
	}
}
