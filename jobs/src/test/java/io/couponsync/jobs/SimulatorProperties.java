package io.couponsync.jobs;

import org.springframework.test.context.DynamicPropertyRegistry;

import io.couponsync.simulator.SolanaSimulator;

/**
 * Points a test's application at a simulator: its program id and its RPC and WebSocket URLs (dynamic properties,
 * which outrank the defaults of {@link JobsIntegrationTest}).
 */
public final class SimulatorProperties {

	private SimulatorProperties() {
	}

	/** Starts a simulator of the bundled IDL whose slots the test advances, and points the application at it. */
	public static SolanaSimulator startManual(DynamicPropertyRegistry registry) {
		SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		register(registry, simulator);
		return simulator;
	}

	public static void register(DynamicPropertyRegistry registry, SolanaSimulator simulator) {
		registry.add("sync.program.id", simulator::programId);
		registry.add("sync.solana.rpc-url", simulator::rpcUrl);
		registry.add("sync.solana.ws-url", simulator::wsUrl);
	}

	/**
	 * Closes the simulator and starts a fresh manual one of the bundled IDL on the same ports, so the URLs the
	 * application was given stay valid: a test's chain starts anew while its Spring context is reused.
	 */
	public static SolanaSimulator restartManual(SolanaSimulator simulator) {
		simulator.close();
		return SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl())
			.withPorts(portOf(simulator.rpcUrl()), portOf(simulator.wsUrl())));
	}

	/** The port of a simulator URL. */
	public static int portOf(String url) {
		return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
	}
}
