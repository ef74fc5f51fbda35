package io.couponsync.platform.rpc;

import java.time.Duration;

import io.couponsync.chain.rpc.RpcCallObserver;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.platform.config.SolanaProperties;

/**
 * The RPC's confirmed slot, asked once with a short timeout: for health checks and the console, which must answer
 * quickly whether the RPC is up or not (the jobs' client retries with backoff for minutes, as the jobs should).
 */
public class RpcProbe {

	private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

	private final SolanaRpcClient client;

	RpcProbe(SolanaProperties solana) {
		Duration timeout = solana.timeout().compareTo(LONGEST_WAIT) < 0 ? solana.timeout() : LONGEST_WAIT;
		this.client = new SolanaRpcClient(new SolanaRpcClient.Options(solana.rpcUrl(), 1, Duration.ofMillis(250),
				Duration.ofSeconds(1), 0, timeout, 1, 1L << 20), RpcCallObserver.NONE);
	}

	/** The confirmed slot; throws the client's RpcException when the RPC does not answer in time. */
	public long confirmedSlot() {
		return client.getSlot("confirmed");
	}
}
