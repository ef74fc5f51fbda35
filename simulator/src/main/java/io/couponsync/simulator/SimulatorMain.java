package io.couponsync.simulator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlLoader;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/**
 * {@code java -jar simulator/target/simulator.jar [--rpc-port 8899] [--ws-port 8900] [--seed 1] [--rate 20]
 * [--slot-ms 400] [--finality-slots 32] [--program-id <base58>] [--idl <file>] [--withhold 0.0]
 * [--too-many-requests 0.0] [--retry-after 1] [--fork-every-slots 0] [--reland 0.5]
 * [--drop-connections-every-slots 0] [--malformed-every-slots 0] [--transactions 0] [--await-subscriber false]
 * [--cpi-events 0] [--failures 0.02]}
 * <p>
 * The program emits its events with {@code emit!} (log lines); {@code --cpi-events} is the share of transactions
 * shaped as if it used {@code emit_cpi!}, to test an indexer's robustness.
 */
public final class SimulatorMain {

	private SimulatorMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		// why: the jar also serves as a test library, so its logging setup has a name no one else loads
		if (System.getProperty("logback.configurationFile") == null) {
			System.setProperty("logback.configurationFile", "logback-simulator.xml");
		}
		Map<String, String> options = new LinkedHashMap<>(Map.of("--rpc-port", "8899", "--ws-port", "8900", "--seed",
				"1", "--rate", "20", "--slot-ms", "400", "--finality-slots", "32", "--withhold", "0",
				"--too-many-requests", "0", "--fork-every-slots", "0", "--failures", "0.02"));
		options.put("--cpi-events", "0");
		options.put("--via-router", "0.1");
		options.put("--program-id", SolanaSimulator.DEFAULT_PROGRAM_ID);
		options.put("--retry-after", "1");
		options.put("--reland", "0.5");
		options.put("--drop-connections-every-slots", "0");
		options.put("--malformed-every-slots", "0");
		options.put("--transactions", "0");
		options.put("--await-subscriber", "false");
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--help") || args[i].equals("-h")) {
				System.out.println("options (defaults): " + options + " --idl <file> (bundled coupon marketplace IDL)");
				return;
			}
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				System.err.println("simulator: unexpected argument '" + args[i] + "' (try --help)");
				System.exit(2);
			}
			// why: a misspelt fault option silently left off would let a test pass without its fault
			if (!options.containsKey(args[i]) && !args[i].equals("--idl")) {
				System.err.println("simulator: unknown option '" + args[i] + "' (try --help)");
				System.exit(2);
			}
			options.put(args[i], args[++i]);
		}
		try {
			run(options);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("simulator: " + ex.getMessage());
			System.exit(2);
		}
	}

	private static void run(Map<String, String> options) throws InterruptedException {
		Idl idl = options.containsKey("--idl") ? IdlLoader.load(Path.of(options.get("--idl")))
				: SolanaSimulator.bundledIdl();
		int finality = integer(options, "--finality-slots");
		Ledger.Config ledger = new Ledger.Config(Math.min(1, finality), finality, 300, System.currentTimeMillis() / 1000,
				Math.max(1, integer(options, "--slot-ms")));
		MarketplaceWorkload.Options workload = new MarketplaceWorkload.Options(decimal(options, "--via-router"),
				decimal(options, "--cpi-events"), decimal(options, "--failures"), 0);
		SolanaSimulator.Settings settings = SolanaSimulator.Settings.manual(idl)
			.withProgramId(options.get("--program-id"))
			.withSeed(integer(options, "--seed"))
			.withPorts(integer(options, "--rpc-port"), integer(options, "--ws-port"))
			.withLedger(ledger)
			.withWorkload(workload)
			.withClock(integer(options, "--slot-ms"), 0);
		SolanaSimulator simulator = SolanaSimulator.start(settings);
		simulator.faults().withholdNotificationsShare(decimal(options, "--withhold"));
		simulator.faults().answerTooManyRequestsShare(decimal(options, "--too-many-requests"));
		simulator.faults().retryAfterSeconds(integer(options, "--retry-after"));
		new ScheduledTraffic(simulator, new ScheduledTraffic.Plan(decimal(options, "--rate"),
				integer(options, "--transactions"), integer(options, "--fork-every-slots"), decimal(options, "--reland"),
				integer(options, "--drop-connections-every-slots"), integer(options, "--malformed-every-slots"),
				bool(options, "--await-subscriber")))
			.start();
		System.out.println("JSON-RPC " + simulator.rpcUrl() + "  PubSub " + simulator.wsUrl() + "  program "
				+ simulator.programId());
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			simulator.close();
			stopped.countDown();
		}));
		stopped.await();
	}

	private static int integer(Map<String, String> options, String name) {
		try {
			return Integer.parseInt(options.get(name));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a whole number, not '" + options.get(name) + "'");
		}
	}

	private static boolean bool(Map<String, String> options, String name) {
		return switch (options.get(name)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw new IllegalArgumentException(name + " must be true or false, not '" + options.get(name)
					+ "'");
		};
	}

	private static double decimal(Map<String, String> options, String name) {
		try {
			return Double.parseDouble(options.get(name));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a number, not '" + options.get(name) + "'");
		}
	}
}
