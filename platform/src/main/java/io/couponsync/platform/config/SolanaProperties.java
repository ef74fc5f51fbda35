package io.couponsync.platform.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Solana cluster is reached, and how politely.
 *
 * @param rpcUrl JSON-RPC over HTTP(S), from {@code SOLANA_RPC_URL}
 * @param wsUrl PubSub over WebSocket, from {@code SOLANA_WS_URL}
 * @param requestsPerSecond a ceiling on JSON-RPC requests (each batch element counts); 0 = none
 * @param maxAttempts attempts of a request on 429, 5xx or timeout before giving up
 * @param batchSize calls per JSON-RPC batch where the protocol has no list form (getTransaction)
 * @param timeout one HTTP request's timeout
 * @param maxResponseSize the largest JSON-RPC response body read; a larger one fails the call unread, so a broken or
 * hostile endpoint cannot exhaust memory (the protocol's largest answers, getProgramAccounts aside, are a few MiB)
 */
@Validated
@ConfigurationProperties("sync.solana")
public record SolanaProperties(@NotNull @UrlScheme({ "http", "https" }) URI rpcUrl,
		@NotNull @UrlScheme({ "ws", "wss" }) URI wsUrl, @PositiveOrZero @DefaultValue("0") double requestsPerSecond,
		@Min(1) @Max(20) @DefaultValue("6") int maxAttempts, @Min(1) @Max(1000) @DefaultValue("50") int batchSize,
		@NotNull @DurationRange(min = "100ms", max = "10m") @DefaultValue("30s") Duration timeout,
		@NotNull @DataSizeRange(min = "1KB", max = "1GB") @DefaultValue("64MB") DataSize maxResponseSize) {
}
