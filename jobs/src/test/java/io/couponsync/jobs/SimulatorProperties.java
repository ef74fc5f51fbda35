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
}
