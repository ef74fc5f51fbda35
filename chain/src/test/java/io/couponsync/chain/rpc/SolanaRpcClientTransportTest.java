package io.couponsync.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a stub HTTP endpoint: a response body over the limit is an error naming the method and the
 * limit, never read into memory; an endpoint that cannot be reached is named by its redacted URL.
 */
class SolanaRpcClientTransportTest {

	private static final int LIMIT = 1024;

	private final AtomicInteger requests = new AtomicInteger();

	private HttpServer server;

	private volatile String answer;

	private volatile boolean chunked;

	private volatile long answerAfterMillis;

	@BeforeEach
	void start() throws IOException {
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", exchange -> {
			requests.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			try {
				Thread.sleep(answerAfterMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			byte[] body = answer.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
			catch (IOException ex) {
				// the client hung up on an oversized body, as it should
			}
		});
		server.start();
	}

	@AfterEach
	void stop() {
		server.stop(0);
	}

	private SolanaRpcClient client(String url) {
		SolanaRpcClient.Options defaults = SolanaRpcClient.Options.defaults(URI.create(url));
		return new SolanaRpcClient(new SolanaRpcClient.Options(defaults.url(), 3, defaults.initialBackoff(),
				defaults.maxBackoff(), 0, Duration.ofSeconds(5), defaults.batchSize(), LIMIT), RpcCallObserver.NONE,
				delay -> {
				});
	}

	private String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/secret-key?api-key=secret";
	}

	private static String answerOfSize(int bytes) {
		String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"";
		String tail = "\"}";
		return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
	}

	@Test
	void readsABodyWithinTheLimit() {
		answer = answerOfSize(LIMIT);

		assertThat(client(url()).call("getHealth").asString()).hasSize(LIMIT - 36);
	}

	@Test
	void refusesADeclaredBodyOverTheLimitOnceNamingMethodAndLimit() {
		answer = answerOfSize(LIMIT + 1);

		assertThatThrownBy(() -> client(url()).call("getProgramAccounts")).isInstanceOf(RpcException.class)
			.hasMessageContaining("getProgramAccounts")
			.hasMessageContaining("exceeds the limit of 1 KiB (sync.solana.max-response-size)")
			.hasMessageNotContaining("secret");
		assertThat(requests).as("not retried").hasValue(1);
	}

	@Test
	void cutsOffAChunkedBodyOverTheLimit() {
		chunked = true;
		answer = answerOfSize(50 * LIMIT);

		assertThatThrownBy(() -> client(url()).call("getBlock")).isInstanceOf(RpcException.class)
			.hasMessageContaining("getBlock").hasMessageContaining("exceeds the limit of 1 KiB");
	}

	@Test
	void namesAnUnreachableEndpointByItsRedactedUrl() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}

		assertThatThrownBy(() -> client("http://127.0.0.1:" + closedPort + "/v2/secret-key?api-key=secret")
			.getSlot("finalized")).isInstanceOf(RpcException.class)
			.hasMessage("cannot reach the Solana RPC at http://127.0.0.1:" + closedPort
					+ "/***?***: connection refused (getSlot, 3 attempts)");
	}

	@Test
	void aClientWithoutRetriesMakesOneAttemptWhileTheOneItCameFromKeepsRetrying() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		SolanaRpcClient retrying = client("http://127.0.0.1:" + closedPort);

		assertThatThrownBy(() -> retrying.withoutRetries(Duration.ofSeconds(1)).getSlot("finalized")).isInstanceOf(RpcException.class)
			.hasMessageEndingWith("connection refused (getSlot, 1 attempt)");
		assertThatThrownBy(() -> retrying.getSlot("finalized")).isInstanceOf(RpcException.class)
			.hasMessageEndingWith("connection refused (getSlot, 3 attempts)");
	}

	@Test
	void aClientWithoutRetriesGivesUpAfterItsOwnTimeout() {
		answer = answerOfSize(100);
		answerAfterMillis = 2_000;

		assertThatThrownBy(() -> client(url()).withoutRetries(Duration.ofMillis(200)).call("getBlock"))
			.isInstanceOf(RpcException.class).hasMessage("getBlock failed 1 times, last: timed out after 200 ms");
		assertThat(requests).hasValue(1);
	}
}
