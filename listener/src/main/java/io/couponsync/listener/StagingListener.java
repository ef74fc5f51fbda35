package io.couponsync.listener;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.couponsync.chain.RedactedUrl;
import io.couponsync.chain.staging.ListenerCoverage;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingInserts;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The listener's lifecycle: a {@link LogsSubscription} hands each notification through a bounded buffer to the
 * {@link StagingWriter}, and {@link CoverageGaps} records every interruption — including the time this process was
 * not running — as a gap for the backfill. The writer restarts itself after any failure ({@link WriterHealth} says
 * how it fares). The URL appears in logs and health only as {@link RedactedUrl}, since providers put API keys in it.
 *
 * <p>
 * why a client of our own: solanaj's logsSubscribe always asks for commitment processed and hands on neither the
 * notification's context slot nor a way to pause reading, which staging and flow control both need.
 */
public final class StagingListener implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(StagingListener.class);

	private final ListenerCoverage coverage;

	private final BlockingQueue<StagedTransaction> buffer;

	private final StagingWriter writer;

	private final WriterHealth writerHealth = new WriterHealth();

	private final CoverageGaps gaps;

	private final LogsSubscription subscription;

	private volatile boolean running;

	private final Duration heartbeatInterval;

	private volatile Thread writerThread;

	private volatile ScheduledExecutorService heartbeat;

	StagingListener(ListenerProperties properties, URI wsUrl, String programId, StagingInserts staging,
			ListenerCoverage coverage, MeterRegistry registry) {
		this.coverage = coverage;
		this.heartbeatInterval = properties.heartbeatInterval();
		this.buffer = new ArrayBlockingQueue<>(properties.bufferCapacity());
		ListenerMetrics metrics = new ListenerMetrics(registry, buffer, this::connected, writerHealth);
		this.gaps = new CoverageGaps(coverage, metrics.gaps);
		this.subscription = new LogsSubscription(properties, wsUrl, programId, buffer, metrics, gaps);
		this.writer = new StagingWriter(buffer, staging, coverage, metrics, writerHealth, properties.batchSize(),
				subscription::resumeReading, gaps::lastRoot);
	}

	@Override
	public void start() {
		ListenerCoverage.Checkpoint checkpoint = coverage.checkpoint();
		if (checkpoint.highestSlot() != null) {
			gaps.resumeFrom(checkpoint);
			// why: notifications sent while this process was not listening are gone; the backfill fills the gap
			gaps.open("listener (re)started from checkpoint slot " + checkpoint.highestSlot());
			log.info("Resuming from checkpoint: slot {}, signature {}", checkpoint.highestSlot(),
					checkpoint.lastSignature());
		}
		running = true;
		writerThread = new Thread(writer, "staging-writer");
		writerThread.start();
		subscription.start();
		heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "listener-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		heartbeat.scheduleWithFixedDelay(() -> beat(subscription.connectedSince()), 0, heartbeatInterval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Records the connection for other processes. why: the console may run where the listener does not (a listener
	 * Deployment, jobs as CronJobs), and only a report that is renewed tells a live listener from a dead process.
	 */
	private void beat(Instant connectedSince) {
		try {
			coverage.beat(connectedSince, subscription.lastNotificationAt(), heartbeatInterval.multipliedBy(3));
		}
		catch (RuntimeException ex) {
			log.warn("Cannot record the listener's heartbeat: {}", ex.getMessage());
		}
	}

	@Override
	public void stop() {
		running = false;
		stopHeartbeat();
		subscription.stop();
		writer.stop();
		try {
			writerThread.join(TimeUnit.SECONDS.toMillis(60));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		gaps.openIfCovered("listener stopped");
		// why: not connected from now on, whatever the last periodic report said
		beat(null);
		log.info("Listener stopped; {} notifications left unwritten", buffer.size());
	}

	private void stopHeartbeat() {
		heartbeat.shutdownNow();
		try {
			heartbeat.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
		return subscription != null && subscription.connected();
	}

	int bufferDepth() {
		return buffer.size();
	}

	long highestSlot() {
		return gaps.highestSlot();
	}

	Instant lastNotificationAt() {
		return subscription.lastNotificationAt();
	}

	/** The WebSocket URL, redacted. */
	String endpoint() {
		return subscription.endpoint();
	}

	WriterHealth writerHealth() {
		return writerHealth;
	}

	/** False when the writer's thread has ended while the listener runs, which only a JVM-level failure can do. */
	boolean writerAlive() {
		Thread thread = writerThread;
		return !running || thread == null || thread.isAlive();
	}
}
