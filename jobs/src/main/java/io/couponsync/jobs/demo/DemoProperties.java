package io.couponsync.jobs.demo;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The in-process Solana simulator of the {@code demo} profile.
 *
 * @param rpcPort its JSON-RPC port (sync.solana.rpc-url must point at it)
 * @param wsPort its PubSub port (sync.solana.ws-url must point at it)
 * @param transactionsPerSecond marketplace transactions it generates per second
 * @param slotMillis slot length
 * @param finalitySlots slots from landing to finalized (32 as under TowerBFT, 0 as under Alpenglow)
 * @param seed the workload's random seed
 */
@Validated
@ConfigurationProperties("sync.demo")
public record DemoProperties(@Min(0) @Max(65535) @DefaultValue("18899") int rpcPort,
		@Min(0) @Max(65535) @DefaultValue("18900") int wsPort,
		@Positive @DefaultValue("5") double transactionsPerSecond,
		@Min(10) @DefaultValue("400") long slotMillis,
		@Min(0) @Max(150) @DefaultValue("32") int finalitySlots,
		@DefaultValue("1") long seed) {
}
