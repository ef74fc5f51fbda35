package io.couponsync.platform.rpc;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.chain.rpc.RpcCallObserver;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.platform.config.SolanaProperties;

/**
 * The Solana JSON-RPC client, counting calls, 429s and failed attempts per method as {@code sync.rpc.calls} /
 * {@code sync.rpc.throttled} / {@code sync.rpc.errors}; a quick probe of it for health ({@code rpc}) and the console.
 */
@Configuration(proxyBeanMethods = false)
public class RpcConfiguration {

	@Bean
	SolanaRpcClient solanaRpcClient(SolanaProperties solana, ObjectProvider<MeterRegistry> registry) {
		MeterRegistry meters = registry.getIfAvailable();
		RpcCallObserver observer = meters == null ? RpcCallObserver.NONE : new RpcCallObserver() {
			@Override
			public void called(String method, int calls) {
				meters.counter("sync.rpc.calls", "method", method).increment(calls);
			}

			@Override
			public void throttled(String method) {
				meters.counter("sync.rpc.throttled", "method", method).increment();
			}

			@Override
			public void failed(String method) {
				meters.counter("sync.rpc.errors", "method", method).increment();
			}
		};
		return new SolanaRpcClient(new SolanaRpcClient.Options(solana.rpcUrl(), solana.maxAttempts(),
				Duration.ofMillis(250), Duration.ofSeconds(30), solana.requestsPerSecond(), solana.timeout(),
				solana.batchSize(), solana.maxResponseSize().toBytes()), observer);
	}

	@Bean
	RpcProbe rpcProbe(SolanaProperties solana) {
		return new RpcProbe(solana);
	}

	/** The {@code rpc} health contributor, where health is on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class RpcHealthConfiguration {

		@Bean
		RpcHealthIndicator rpcHealthIndicator(RpcProbe rpcProbe) {
			return new RpcHealthIndicator(rpcProbe);
		}
	}
}
