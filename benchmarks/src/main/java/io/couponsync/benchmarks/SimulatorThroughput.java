package io.couponsync.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/**
 * The simulator's own speed, so benchmarks that use it know it is not their bottleneck: transactions generated
 * per second, logs notifications delivered per second to a WebSocket subscriber, and JSON-RPC requests answered
 * per second (getSignatureStatuses of 256 signatures, getTransaction) from 4 client threads.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.SimulatorThroughput [transactions]
 * </pre>
 */
public final class SimulatorThroughput {

	private SimulatorThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()).withWorkload(MarketplaceWorkload.Options.realistic()))) {
			long start = System.nanoTime();
			List<LedgerTransaction> landed = simulator.runWorkload(total);
			double generation = (System.nanoTime() - start) / 1e9;
			System.out.printf("workload: %,d transactions generated in %.2f s = %,.0f per second%n", total, generation,
					total / generation);

			CountDownLatch all = new CountDownLatch(landed.size() + 2);
			AtomicInteger frames = new AtomicInteger();
			WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
				.buildAsync(URI.create(simulator.wsUrl()), new WebSocket.Listener() {
					@Override
					public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
						if (last && frames.incrementAndGet() > 1) {
							all.countDown();
						}
						webSocket.request(1);
						return null;
					}
				}).join();
			socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
					+ simulator.programId() + "\"]},{\"commitment\":\"confirmed\"}]}", true).join();
			Thread.sleep(300);
			start = System.nanoTime();
			simulator.advanceSlots(1);
			all.await(120, TimeUnit.SECONDS);
			double notifying = (System.nanoTime() - start) / 1e9;
			System.out.printf("pubsub: %,d logs notifications delivered in %.2f s = %,.0f per second%n",
					frames.get() - 1, notifying, (frames.get() - 1) / notifying);

			simulator.advanceSlots(40);
			HttpClient http = HttpClient.newHttpClient();
			StringBuilder statuses = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getSignatureStatuses\",\"params\":[[");
			for (int i = 0; i < 256; i++) {
				statuses.append(i == 0 ? "\"" : ",\"").append(landed.get(i).signature()).append('"');
			}
			String statusRequest = statuses.append("]]}").toString();
			for (String name : List.of("getSignatureStatuses x256", "getTransaction")) {
				ExecutorService threads = Executors.newFixedThreadPool(4);
				int requests = 4_000;
				AtomicInteger next = new AtomicInteger();
				start = System.nanoTime();
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					futures.add(threads.submit(() -> {
						int i;
						while ((i = next.getAndIncrement()) < requests) {
							String body = name.startsWith("getSignatureStatuses") ? statusRequest
									: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getTransaction\",\"params\":[\""
											+ landed.get(i % landed.size()).signature()
											+ "\",{\"encoding\":\"json\",\"maxSupportedTransactionVersion\":0}]}";
							http.send(HttpRequest.newBuilder(URI.create(simulator.rpcUrl()))
								.header("Content-Type", "application/json")
								.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
									HttpResponse.BodyHandlers.discarding());
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get();
				}
				double seconds = (System.nanoTime() - start) / 1e9;
				threads.shutdown();
				System.out.printf("rpc %s: %,d requests in %.2f s = %,.0f per second%n", name, requests, seconds,
						requests / seconds);
			}
		}
	}
}
