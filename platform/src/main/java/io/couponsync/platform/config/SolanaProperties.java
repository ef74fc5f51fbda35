package io.couponsync.platform.config;

import java.net.URI;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Solana cluster is reached.
 *
 * @param rpcUrl JSON-RPC over HTTP(S), from {@code SOLANA_RPC_URL}
 * @param wsUrl PubSub over WebSocket, from {@code SOLANA_WS_URL}
 */
@Validated
@ConfigurationProperties("sync.solana")
public record SolanaProperties(@NotNull @UrlScheme({ "http", "https" }) URI rpcUrl,
		@NotNull @UrlScheme({ "ws", "wss" }) URI wsUrl) {
}
