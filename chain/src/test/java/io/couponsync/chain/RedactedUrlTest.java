package io.couponsync.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class RedactedUrlTest {

	@Test
	void keepsSchemeHostAndPortOnly() {
		assertThat(RedactedUrl.of(URI.create("https://api.devnet.solana.com"))).isEqualTo("https://api.devnet.solana.com");
		assertThat(RedactedUrl.of(URI.create("wss://api.devnet.solana.com/"))).isEqualTo("wss://api.devnet.solana.com/");
		assertThat(RedactedUrl.of(URI.create("http://127.0.0.1:8899"))).isEqualTo("http://127.0.0.1:8899");
	}

	@Test
	void hidesKeysInThePath() {
		assertThat(RedactedUrl.of(URI.create("https://solana-mainnet.g.provider.com/v2/abcDEF123")))
			.isEqualTo("https://solana-mainnet.g.provider.com/***");
		assertThat(RedactedUrl.of(URI.create("https://name.solana-mainnet.quiknode.pro/0123456789abcdef/")))
			.as("a token as the first segment").isEqualTo("https://name.solana-mainnet.quiknode.pro/***");
	}

	@Test
	void hidesQueriesUserinfoAndFragments() {
		assertThat(RedactedUrl.of(URI.create("https://mainnet.helius-rpc.com/?api-key=secret")))
			.isEqualTo("https://mainnet.helius-rpc.com/?***");
		assertThat(RedactedUrl.of(URI.create("wss://user:secret@rpc.example.com:8900/ws?token=secret#frag")))
			.isEqualTo("wss://rpc.example.com:8900/***?***");
	}

	@Test
	void hidesWhatIsNotAUrlWithAHost() {
		assertThat(RedactedUrl.of("not a url with secret")).isEqualTo("***");
		assertThat(RedactedUrl.of("mailto:someone@secret.example")).isEqualTo("***");
		assertThat(RedactedUrl.of((String) null)).isEqualTo("none");
	}
}
