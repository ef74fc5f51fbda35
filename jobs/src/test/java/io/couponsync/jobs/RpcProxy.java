package io.couponsync.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC endpoint in front of another (the simulator) that behaves as real providers do where the simulator is
 * faithful to the protocol: it forwards every request, answers at most {@link #capSignaturePages(int)} signatures
 * per getSignaturesForAddress page whatever the limit asked, and can run something between a listing and its
 * answer (a fork, say).
 */
public final class RpcProxy implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Runnable NOTHING = () -> {
	};

	private final URI target;

	private final HttpServer server;

	private final ExecutorService threads = Executors.newFixedThreadPool(8);

	private final HttpClient http = HttpClient.newHttpClient();

	private final AtomicReference<Runnable> afterNextListing = new AtomicReference<>(NOTHING);

	private volatile int signaturePageCap = Integer.MAX_VALUE;

	private volatile Set<String> lagging = Set.of();

	private RpcProxy(String target) throws IOException {
		this.target = URI.create(target);
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", this::forward);
		server.setExecutor(threads);
		server.start();
	}

	public static RpcProxy start(String target) {
		try {
			return new RpcProxy(target);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	public String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** Answers at most {@code signatures} per getSignaturesForAddress page, as providers that cap pages do. */
	public RpcProxy capSignaturePages(int signatures) {
		signaturePageCap = signatures;
		return this;
	}

	/** Runs {@code action} once, after the node answered the next getSignaturesForAddress and before the caller sees it. */
	public RpcProxy afterNextListing(Runnable action) {
		afterNextListing.set(action);
		return this;
	}

	/**
	 * Serves these signatures as a load-balanced provider can while nodes lag one another: listed as only
	 * {@code confirmed} (the node that served the page has not finalized them), and unknown to getTransaction and
	 * getSignatureStatuses (the nodes those calls reach do not have them yet).
	 */
	public RpcProxy lagBehind(Collection<String> signatures) {
		lagging = Set.copyOf(signatures);
		return this;
	}

	public RpcProxy reset() {
		signaturePageCap = Integer.MAX_VALUE;
		lagging = Set.of();
		afterNextListing.set(NOTHING);
		return this;
	}

	private void forward(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] request = exchange.getRequestBody().readAllBytes();
			HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(target)
				.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(request))
				.build(), HttpResponse.BodyHandlers.ofByteArray());
			byte[] body = response.body();
			if (response.statusCode() == 200 && "getSignaturesForAddress".equals(method(request))) {
				body = capped(body);
				afterNextListing.getAndSet(NOTHING).run();
			}
			if (response.statusCode() == 200 && !lagging.isEmpty()) {
				body = lagged(request, body);
			}
			response.headers().firstValue("Retry-After")
				.ifPresent(value -> exchange.getResponseHeaders().add("Retry-After", value));
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String method(byte[] request) {
		JsonNode node = JSON.readTree(request);
		return node.isObject() ? node.path("method").asString("") : "";
	}

	private byte[] capped(byte[] body) {
		JsonNode answer = JSON.readTree(body);
		JsonNode result = answer.path("result");
		if (!answer.isObject() || !result.isArray() || result.size() <= signaturePageCap) {
			return body;
		}
		ArrayNode kept = JSON.createArrayNode();
		for (int i = 0; i < signaturePageCap; i++) {
			kept.add(result.get(i));
		}
		((ObjectNode) answer).set("result", kept);
		return JSON.writeValueAsBytes(answer);
	}

	private byte[] lagged(byte[] request, byte[] body) {
		JsonNode calls = JSON.readTree(request);
		JsonNode answers = JSON.readTree(body);
		if (calls.isArray() && answers.isArray()) {
			java.util.Map<String, JsonNode> callsById = new java.util.HashMap<>();
			calls.forEach(call -> callsById.put(call.path("id").asString(""), call));
			answers.forEach(answer -> {
				JsonNode call = callsById.get(answer.path("id").asString(""));
				if (call != null) {
					lag(call, (ObjectNode) answer);
				}
			});
		}
		else if (calls.isObject() && answers.isObject()) {
			lag(calls, (ObjectNode) answers);
		}
		return JSON.writeValueAsBytes(answers);
	}

	private void lag(JsonNode call, ObjectNode answer) {
		JsonNode params = call.path("params");
		switch (call.path("method").asString("")) {
			case "getSignaturesForAddress" -> answer.path("result").forEach(entry -> {
				if (lagging.contains(entry.path("signature").asString(""))) {
					((ObjectNode) entry).put("confirmationStatus", "confirmed");
				}
			});
			case "getTransaction" -> {
				if (lagging.contains(params.path(0).asString(""))) {
					answer.putNull("result");
				}
			}
			case "getSignatureStatuses" -> {
				JsonNode statuses = answer.path("result").path("value");
				for (int i = 0; i < params.path(0).size() && i < statuses.size(); i++) {
					if (lagging.contains(params.path(0).get(i).asString(""))) {
						((ArrayNode) statuses).set(i, JSON.nullNode());
					}
				}
			}
			default -> {
			}
		}
	}

	@Override
	public void close() {
		server.stop(0);
		threads.shutdownNow();
	}
}
