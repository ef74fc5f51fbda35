package io.couponsync.platform.rpc;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;


/** The Solana RPC endpoint's health: UP when it answers getSlot at once, with the confirmed slot it reports. */
class RpcHealthIndicator extends AbstractHealthIndicator {

	private final RpcProbe rpc;

	RpcHealthIndicator(RpcProbe rpc) {
		super("Solana RPC health check failed");
		this.rpc = rpc;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up().withDetail("confirmedSlot", rpc.confirmedSlot());
	}
}
