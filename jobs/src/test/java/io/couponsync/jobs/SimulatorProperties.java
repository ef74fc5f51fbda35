package io.couponsync.jobs;

import org.springframework.test.context.DynamicPropertyRegistry;

import io.couponsync.simulator.SolanaSimulator;

/** Points a test's application at a simulator: its program id and its RPC and WebSocket URLs. */
public final class SimulatorProperties {

	private SimulatorProperties() {
	}

	public static void register(DynamicPropertyRegistry registry, SolanaSimulator simulator) {
		registry.add("sync.program.id", simulator::programId);
		registry.add("sync.solana.rpc-url", simulator::rpcUrl);
		registry.add("sync.solana.ws-url", simulator::wsUrl);
	}
}
