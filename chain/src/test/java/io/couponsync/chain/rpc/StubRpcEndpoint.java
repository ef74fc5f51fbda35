package io.couponsync.chain.rpc;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/** An HTTP endpoint on loopback for the client's tests: each request body gets the answer the handler makes. */
final class StubRpcEndpoint implements AutoCloseable {

	/** An HTTP status and a body. */
	record Answer(int status, byte[] body) {
	}

	private final HttpServer server;

	private StubRpcEndpoint(Function<byte[], Answer> handler) throws IOException {
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", exchange -> {
			Answer answer = handler.apply(exchange.getRequestBody().readAllBytes());
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), answer.body().length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer.body());
			}
		});
		server.start();
	}

	static StubRpcEndpoint start(Function<byte[], Answer> handler) {
		try {
			return new StubRpcEndpoint(handler);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
