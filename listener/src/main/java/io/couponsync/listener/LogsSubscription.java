package io.couponsync.listener;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.RedactedUrl;
import io.couponsync.chain.staging.StagedTransaction;

/**
 * One WebSocket subscription to the program's logs ({@code logsSubscribe({"mentions": [programId]}, commitment)})
 * and to slots, kept alive by a supervising thread: it connects, subscribes, pings, treats a connection silent for
 * {@code silenceTimeout} as dead, and connects again when the {@link ReconnectPolicy} says. Each notification goes
 * into the bounded buffer; reading pauses while the buffer is full. A message longer than {@code maxMessageSize} is
 * dropped with its connection, so memory stays bounded whatever the endpoint sends. Every interruption is told to
 * {@link CoverageGaps}.
 */
final class LogsSubscription {

	private static final Logger log = LoggerFactory.getLogger(LogsSubscription.class);

	private final ListenerProperties properties;

	private final URI wsUrl;

	private final String endpoint;

	private final String programId;

	private final BlockingQueue<StagedTransaction> buffer;

	private final ListenerMetrics metrics;

	private final CoverageGaps gaps;

	private final ReconnectPolicy reconnects;

	private final NotificationParser parser = new NotificationParser();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final AtomicBoolean paused = new AtomicBoolean();

	private final AtomicLong lastFrameAt = new AtomicLong();

	private final AtomicLong lastNotificationAt = new AtomicLong();

	private volatile WebSocket socket;

	private volatile boolean connected;

	/** When the current connection was subscribed; null while not connected. */
	private volatile Instant connectedSince;

	private volatile boolean running;

	private Thread supervisorThread;

	LogsSubscription(ListenerProperties properties, URI wsUrl, String programId,
			BlockingQueue<StagedTransaction> buffer, ListenerMetrics metrics, CoverageGaps gaps) {
		this.properties = properties;
		this.wsUrl = wsUrl;
		this.endpoint = RedactedUrl.of(wsUrl);
		this.programId = programId;
		this.buffer = buffer;
		this.metrics = metrics;
		this.gaps = gaps;
		this.reconnects = new ReconnectPolicy(properties.reconnectMinDelay(), properties.reconnectMaxDelay());
	}

	void start() {
		running = true;
		supervisorThread = new Thread(this::superviseConnection, "logs-subscription");
		supervisorThread.setDaemon(true);
		supervisorThread.start();
	}

	void stop() {
		running = false;
		WebSocket current = socket;
		if (current != null) {
			current.sendClose(WebSocket.NORMAL_CLOSURE, "listener stopping").orTimeout(2, TimeUnit.SECONDS)
				.exceptionally(ex -> null);
			current.abort();
		}
		if (supervisorThread != null) {
			supervisorThread.interrupt();
		}
	}

	boolean connected() {
		return connected;
	}

	/** When the current connection was subscribed, or null while not connected. */
	Instant connectedSince() {
		return connectedSince;
	}

	Instant lastNotificationAt() {
		long at = lastNotificationAt.get();
		return at == 0 ? null : Instant.ofEpochMilli(at);
	}

	/** The WebSocket URL, redacted. */
	String endpoint() {
		return endpoint;
	}

	/** Reads on if reading was paused on a full buffer and the buffer has room again (the writer calls this). */
	void resumeReading() {
		WebSocket current = socket;
		if (current != null && buffer.remainingCapacity() > 0 && paused.compareAndSet(true, false)) {
			current.request(1);
		}
	}

	private void superviseConnection() {
		while (running) {
			Throwable failure = null;
			try {
				CompletableFuture<String> closed = new CompletableFuture<>();
				WebSocket webSocket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
					.buildAsync(wsUrl, new FrameListener(closed)).join();
				socket = webSocket;
				lastFrameAt.set(System.currentTimeMillis());
				// why: connected once the node answers the logs subscription (handle): until then it sends nothing
				subscribe(webSocket);
				long connectedAt = System.currentTimeMillis();
				String reason = watch(webSocket, closed);
				connected = false;
				connectedSince = null;
				reconnects.connectionHeld(Duration.ofMillis(System.currentTimeMillis() - connectedAt));
				if (running) {
					log.warn("Connection to {} lost: {}", endpoint, reason);
					gaps.open("disconnected: " + reason);
				}
			}
			catch (CompletionException ex) {
				connected = false;
				connectedSince = null;
				failure = ex.getCause();
				log.warn("Cannot connect to {}: {}", endpoint, describe(ex.getCause()));
				gaps.openIfCovered("cannot connect");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (!running) {
				return;
			}
			metrics.reconnects.increment();
			Duration delay = reconnects.nextDelay(failure);
			log.info("Reconnecting in {} ms (attempt {})", delay.toMillis(), reconnects.attempt());
			try {
				Thread.sleep(delay.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void subscribe(WebSocket webSocket) {
		webSocket.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
				+ programId + "\"]},{\"commitment\":\"" + properties.commitment() + "\"}]}", true).join();
		webSocket.sendText("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"slotSubscribe\"}", true).join();
	}

	/** Waits while the connection lives; pings it, and aborts it when it falls silent. */
	private String watch(WebSocket webSocket, CompletableFuture<String> closed) throws InterruptedException {
		long lastPing = System.currentTimeMillis();
		while (running) {
			try {
				return closed.get(250, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.TimeoutException ex) {
				long now = System.currentTimeMillis();
				if (paused.get()) {
					// why: while reading is paused on a full buffer no frame (pongs included) is delivered; that
					// silence is ours, and dropping the connection would only open a gap and read one frame again
					lastFrameAt.set(now);
				}
				long silentFor = now - lastFrameAt.get();
				if (silentFor > properties.silenceTimeout().toMillis()) {
					webSocket.abort();
					return "silent for " + silentFor + " ms";
				}
				if (now - lastPing > properties.pingInterval().toMillis()) {
					lastPing = now;
					webSocket.sendPing(ByteBuffer.allocate(0));
				}
			}
			catch (java.util.concurrent.ExecutionException ex) {
				return describe(ex.getCause());
			}
		}
		return "stopping";
	}

	private static String describe(Throwable failure) {
		if (failure instanceof WebSocketHandshakeException handshake) {
			return "handshake refused with HTTP " + handshake.getResponse().statusCode();
		}
		if (failure instanceof ConnectException && (failure.getMessage() == null
				|| failure.getMessage().toLowerCase(Locale.ROOT).contains("refused"))) {
			// why: the JDK's connection refused carries no message ("ConnectException: null")
			return "connection refused";
		}
		return failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
	}

	private void handle(String text) {
		lastFrameAt.set(System.currentTimeMillis());
		NotificationParser.Frame frame = parser.parse(text);
		if (frame instanceof NotificationParser.Frame.Logs logs) {
			LogsNotification notification = logs.notification();
			metrics.received.increment();
			lastNotificationAt.set(System.currentTimeMillis());
			gaps.notified(notification.slot());
			StagedTransaction transaction = StagedTransaction.fromWebSocket(notification.signature(),
					notification.slot(), notification.err(), notification.logs(), Instant.now());
			if (!buffer.offer(transaction)) {
				// why: reading is paused when the buffer fills, so this only happens on a race; wait, never drop
				try {
					buffer.put(transaction);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		else if (frame instanceof NotificationParser.Frame.Slot slot) {
			gaps.slotSeen(slot.slot(), slot.root());
		}
		else if (frame instanceof NotificationParser.Frame.Subscribed subscribed) {
			log.info("Subscribed (request {}): subscription {}", subscribed.requestId(), subscribed.subscription());
			if (subscribed.requestId() == 1) {
				connectedSince = Instant.now();
				connected = true;
			}
		}
		else if (frame instanceof NotificationParser.Frame.Error error) {
			log.error("The RPC refused request {}: {}", error.requestId(), error.message());
			if (error.requestId() == 1) {
				socket.abort();
			}
		}
		else if (frame instanceof NotificationParser.Frame.Malformed malformed) {
			metrics.malformed.increment();
			log.warn("Ignoring a malformed frame: {}", malformed.reason());
		}
	}

	/** Receives one connection's frames; asks for the next only while the buffer has room. */
	private final class FrameListener implements WebSocket.Listener {

		private final CompletableFuture<String> closed;

		private final StringBuilder partial = new StringBuilder();

		private final long maxMessageChars = properties.maxMessageSize().toBytes();

		FrameListener(CompletableFuture<String> closed) {
			this.closed = closed;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			if (partial.length() + (long) data.length() > maxMessageChars) {
				dropOversized(webSocket, partial.length() + (long) data.length());
				return null;
			}
			partial.append(data);
			if (last) {
				String text = partial.toString();
				partial.setLength(0);
				handle(text);
			}
			requestNext(webSocket);
			return null;
		}

		/**
		 * Drops a message over the limit, and the connection with it: what it held (perhaps a notification) is
		 * inside the gap the reconnect records, which the backfill fills.
		 */
		private void dropOversized(WebSocket webSocket, long atLeast) {
			partial.setLength(0);
			partial.trimToSize();
			metrics.oversizedMessages.increment();
			String reason = "a message of at least " + atLeast + " characters, over the limit of "
					+ maxMessageChars + " (sync.listener.max-message-size)";
			log.warn("Dropping a WebSocket message from {}: {}; reconnecting", endpoint, reason);
			closed.complete(reason);
			webSocket.abort();
		}

		@Override
		public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
			lastFrameAt.set(System.currentTimeMillis());
			requestNext(webSocket);
			return null;
		}

		@Override
		public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
			lastFrameAt.set(System.currentTimeMillis());
			webSocket.sendPong(message);
			requestNext(webSocket);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			metrics.malformed.increment();
			requestNext(webSocket);
			return null;
		}

		private void requestNext(WebSocket webSocket) {
			if (buffer.remainingCapacity() > 0) {
				webSocket.request(1);
				return;
			}
			paused.set(true);
			metrics.bufferFull.increment();
			log.warn("Staging buffer full ({} notifications): reading paused until the writer catches up",
					buffer.size());
			// why: the writer may have drained between the check and the flag; make sure someone resumes
			if (buffer.remainingCapacity() > 0 && paused.compareAndSet(true, false)) {
				webSocket.request(1);
			}
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			closed.complete("closed by the server (" + statusCode + (reason.isEmpty() ? "" : ", " + reason) + ")");
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			closed.complete("error: " + describe(error));
		}
	}
}
