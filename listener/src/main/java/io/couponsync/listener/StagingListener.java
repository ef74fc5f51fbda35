package io.couponsync.listener;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.couponsync.chain.RedactedUrl;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingInserts;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Subscribes to the program's logs ({@code logsSubscribe({"mentions": [programId]}, commitment)}) and slots, and
 * hands each notification through a bounded buffer to the {@link StagingWriter}. Reconnects forever with capped,
 * jittered exponential backoff (honouring Retry-After on a 429 handshake), treats a connection silent for
 * {@code silenceTimeout} as dead, and records every interruption as a gap for the backfill. A message longer than
 * {@code maxMessageSize} is dropped and its connection treated as broken (so memory stays bounded whatever the
 * endpoint sends). The writer restarts itself after any failure ({@link WriterHealth} says how it fares). The URL
 * appears in logs and health only as {@link RedactedUrl}, since providers put API keys in it.
 *
 * <p>
 * why a client of our own: solanaj's logsSubscribe always asks for commitment processed and hands on neither the
 * notification's context slot nor a way to pause reading, which staging and flow control both need.
 */
public final class StagingListener implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(StagingListener.class);

	private final ListenerProperties properties;

	private final URI wsUrl;

	private final String endpoint;

	private final String programId;

	private final ListenerStateRepository state;

	private final BlockingQueue<StagedTransaction> buffer;

	private final ListenerMetrics metrics;

	private final StagingWriter writer;

	private final WriterHealth writerHealth = new WriterHealth();

	private final NotificationParser parser = new NotificationParser();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final AtomicBoolean paused = new AtomicBoolean();

	private final AtomicLong lastFrameAt = new AtomicLong();

	private final AtomicLong lastNotificationAt = new AtomicLong();

	private final AtomicLong lastRoot = new AtomicLong();

	private final AtomicLong highestSlot = new AtomicLong();

	private volatile WebSocket socket;

	private volatile boolean connected;

	private volatile boolean running;

	private volatile boolean gapOpen;

	private Thread supervisorThread;

	private volatile Thread writerThread;

	StagingListener(ListenerProperties properties, URI wsUrl, String programId, StagingInserts staging,
			ListenerStateRepository state, MeterRegistry registry) {
		this.properties = properties;
		this.wsUrl = wsUrl;
		this.endpoint = RedactedUrl.of(wsUrl);
		this.programId = programId;
		this.state = state;
		this.buffer = new ArrayBlockingQueue<>(properties.bufferCapacity());
		this.metrics = new ListenerMetrics(registry, buffer, () -> connected, writerHealth);
		this.writer = new StagingWriter(buffer, staging, state, metrics, writerHealth, properties.batchSize(),
				this::resumeReading, lastRoot::get);
	}

	@Override
	public void start() {
		ListenerStateRepository.Checkpoint checkpoint = state.checkpoint();
		if (checkpoint.highestSlot() != null) {
			lastRoot.set(checkpoint.lastRoot() == null ? 0 : checkpoint.lastRoot());
			highestSlot.set(checkpoint.highestSlot());
			// why: notifications sent while this process was not listening are gone; the backfill fills the gap
			recordGap("listener (re)started from checkpoint slot " + checkpoint.highestSlot());
			log.info("Resuming from checkpoint: slot {}, signature {}", checkpoint.highestSlot(),
					checkpoint.lastSignature());
		}
		running = true;
		writerThread = new Thread(writer, "staging-writer");
		writerThread.start();
		supervisorThread = new Thread(this::superviseConnection, "logs-subscription");
		supervisorThread.setDaemon(true);
		supervisorThread.start();
	}

	@Override
	public void stop() {
		running = false;
		WebSocket current = socket;
		if (current != null) {
			current.sendClose(WebSocket.NORMAL_CLOSURE, "listener stopping").orTimeout(2, TimeUnit.SECONDS)
				.exceptionally(ex -> null);
			current.abort();
		}
		supervisorThread.interrupt();
		writer.stop();
		try {
			writerThread.join(TimeUnit.SECONDS.toMillis(60));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (highestSlot.get() > 0 || lastRoot.get() > 0) {
			recordGap("listener stopped");
		}
		log.info("Listener stopped; {} notifications left unwritten", buffer.size());
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		// why: start after MongoDB is usable and stop before it closes
		return Integer.MAX_VALUE - 100;
	}

	boolean connected() {
		return connected;
	}

	int bufferDepth() {
		return buffer.size();
	}

	long highestSlot() {
		return highestSlot.get();
	}

	Instant lastNotificationAt() {
		long at = lastNotificationAt.get();
		return at == 0 ? null : Instant.ofEpochMilli(at);
	}

	/** The WebSocket URL, redacted. */
	String endpoint() {
		return endpoint;
	}

	WriterHealth writerHealth() {
		return writerHealth;
	}

	/** False when the writer's thread has ended while the listener runs, which only a JVM-level failure can do. */
	boolean writerAlive() {
		Thread thread = writerThread;
		return !running || thread == null || thread.isAlive();
	}

	private void superviseConnection() {
		int failures = 0;
		while (running) {
			Duration wait = null;
			try {
				CompletableFuture<String> closed = new CompletableFuture<>();
				WebSocket webSocket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
					.buildAsync(wsUrl, new FrameListener(closed)).join();
				socket = webSocket;
				lastFrameAt.set(System.currentTimeMillis());
				subscribe(webSocket);
				connected = true;
				long connectedAt = System.currentTimeMillis();
				String reason = watch(webSocket, closed);
				connected = false;
				if (System.currentTimeMillis() - connectedAt > properties.reconnectMaxDelay().toMillis()) {
					failures = 0;
				}
				if (running) {
					log.warn("Connection to {} lost: {}", endpoint, reason);
					recordGap("disconnected: " + reason);
				}
			}
			catch (CompletionException ex) {
				connected = false;
				wait = retryAfter(ex.getCause());
				log.warn("Cannot connect to {}: {}", endpoint, describe(ex.getCause()));
				recordGapIfKnown("cannot connect");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (!running) {
				return;
			}
			metrics.reconnects.increment();
			failures++;
			Duration delay = backoff(failures);
			if (wait != null && wait.compareTo(delay) > 0) {
				delay = wait;
			}
			log.info("Reconnecting in {} ms (attempt {})", delay.toMillis(), failures);
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

	private Duration backoff(int failures) {
		long min = properties.reconnectMinDelay().toMillis();
		long capped = Math.min(properties.reconnectMaxDelay().toMillis(), min << Math.min(failures - 1, 20));
		// why: full jitter between half and all of the delay keeps many listeners from reconnecting in step
		return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
	}

	private static Duration retryAfter(Throwable failure) {
		if (failure instanceof WebSocketHandshakeException handshake) {
			return handshake.getResponse().headers().firstValue("Retry-After").flatMap(value -> {
				try {
					return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
				}
				catch (NumberFormatException ex) {
					return java.util.Optional.empty();
				}
			}).orElse(null);
		}
		return null;
	}

	private static String describe(Throwable failure) {
		if (failure instanceof WebSocketHandshakeException handshake) {
			return "handshake refused with HTTP " + handshake.getResponse().statusCode();
		}
		return failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
	}

	private void recordGapIfKnown(String reason) {
		if (highestSlot.get() > 0 || lastRoot.get() > 0) {
			recordGap(reason);
		}
	}

	/**
	 * Opens a gap from the last slot known complete: the last finalized root seen (every transaction at or before
	 * it was confirmed, hence notified, before the connection ended), else the highest staged slot.
	 */
	private void recordGap(String reason) {
		long from = lastRoot.get() > 0 ? lastRoot.get() : highestSlot.get();
		try {
			state.openGap(from, reason);
			if (!gapOpen) {
				metrics.gaps.increment();
			}
			gapOpen = true;
		}
		catch (RuntimeException ex) {
			log.error("Cannot record a gap from slot {} ({}): {}", from, reason, ex.getMessage());
		}
	}

	private void closeGapAt(long slot) {
		if (!gapOpen) {
			return;
		}
		try {
			var gap = state.closeGap(slot);
			gapOpen = false;
			if (gap != null) {
				log.info("Gap recorded for the backfill: slots {} to {} ({})", gap.get("fromSlot"), slot,
						gap.getString("reason"));
			}
		}
		catch (RuntimeException ex) {
			log.warn("Cannot close the gap at slot {}: {}", slot, ex.getMessage());
		}
	}

	private void resumeReading() {
		WebSocket current = socket;
		if (current != null && buffer.remainingCapacity() > 0 && paused.compareAndSet(true, false)) {
			current.request(1);
		}
	}

	private void handle(String text) {
		lastFrameAt.set(System.currentTimeMillis());
		NotificationParser.Frame frame = parser.parse(text);
		if (frame instanceof NotificationParser.Frame.Logs logs) {
			LogsNotification notification = logs.notification();
			metrics.received.increment();
			lastNotificationAt.set(System.currentTimeMillis());
			highestSlot.accumulateAndGet(notification.slot(), Math::max);
			closeGapAt(notification.slot());
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
			if (slot.root() > 0) {
				lastRoot.accumulateAndGet(slot.root(), Math::max);
			}
			closeGapAt(slot.slot());
		}
		else if (frame instanceof NotificationParser.Frame.Subscribed subscribed) {
			log.info("Subscribed (request {}): subscription {}", subscribed.requestId(), subscribed.subscription());
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
