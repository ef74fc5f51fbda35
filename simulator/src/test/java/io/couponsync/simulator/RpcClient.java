package io.couponsync.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain JSON-RPC client over the JDK's HTTP and WebSocket clients, as an independent peer of the simulator. */
final class RpcClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private final String rpcUrl;

	RpcClient(String rpcUrl) {
		this.rpcUrl = rpcUrl;
	}

	HttpResponse<String> post(String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(rpcUrl)).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The whole JSON-RPC response of one call. */
	JsonNode call(String method, Object... params) throws Exception {
		String body = JSON.writeValueAsString(java.util.Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params",
				List.of(params)));
		return JSON.readTree(post(body).body());
	}

	JsonNode result(String method, Object... params) throws Exception {
		JsonNode response = call(method, params);
		if (response.has("error")) {
			throw new AssertionError(method + " failed: " + response.get("error"));
		}
		return response.get("result");
	}

	/** A WebSocket connection that queues every text frame it receives. */
	static final class Socket implements WebSocket.Listener, AutoCloseable {

		final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();

		final BlockingQueue<String> raw = new LinkedBlockingQueue<>();

		volatile boolean closed;

		private final StringBuilder partial = new StringBuilder();

		private final WebSocket webSocket;

		Socket(String wsUrl) {
			this.webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
				.buildAsync(URI.create(wsUrl), this).join();
		}

		void send(String text) {
			webSocket.sendText(text, true).join();
		}

		JsonNode next() throws InterruptedException {
			JsonNode message = messages.poll(10, TimeUnit.SECONDS);
			if (message == null) {
				throw new AssertionError("no WebSocket message within 10 s");
			}
			return message;
		}

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			partial.append(data);
			if (last) {
				String text = partial.toString();
				partial.setLength(0);
				raw.add(text);
				try {
					messages.add(JSON.readTree(text));
				}
				catch (RuntimeException ex) {
					// malformed frames are kept in raw only
				}
			}
			socket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
			closed = true;
			return null;
		}

		@Override
		public void onError(WebSocket socket, Throwable error) {
			closed = true;
		}

		@Override
		public void close() {
			if (!closed) {
				webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
			}
		}

		static Duration timeout() {
			return Duration.ofSeconds(10);
		}
	}
}
