package io.couponsync.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

import io.couponsync.chain.staging.MongoCoverageRepository;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingInserts;
import io.couponsync.simulator.ledger.Commitment;

/**
 * The staging writer meets a failure it does not expect: it restarts with backoff, keeps the batch it held, says so
 * in health and metrics, and staging goes on once the failure passes. A writer that stalls (MongoDB slow to answer)
 * pauses reading without the connection being taken for dead.
 */
class StagingWriterRestartIT {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private ListenerHarness harness;

	private FailingStaging staging;

	private SimpleMeterRegistry meters;

	private StagingListener listener;

	private ListenerHealthIndicator health;

	@BeforeEach
	void start() {
		harness = new ListenerHarness();
	}

	/** Starts the listener with a staging buffer of {@code bufferCapacity} notifications; silent for 2 s is dead. */
	private void startListener(int bufferCapacity) {
		MongoDatabase database = harness.client.getDatabase("listener_test");
		MongoStagingRepository real = new MongoStagingRepository(database);
		real.createIndexes();
		staging = new FailingStaging(real);
		meters = new SimpleMeterRegistry();
		String programId = harness.simulator.programId();
		listener = new StagingListener(new ListenerProperties(true, "default", "confirmed", bufferCapacity, 500,
				Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(2), Duration.ofMillis(400),
				DataSize.ofMegabytes(16), Duration.ofMillis(200)), URI.create(harness.simulator.wsUrl()), programId, staging,
				new MongoCoverageRepository(database, programId).listener("default"), meters);
		health = new ListenerHealthIndicator(listener);
		listener.start();
	}

	@AfterEach
	void stop() {
		if (listener != null) {
			staging.failure = null;
			staging.stalled = false;
			listener.stop();
		}
		harness.close();
	}

	@Test
	void restartsAfterAnUnexpectedFailureAndStagesWhatItHeld() {
		startListener(10_000);
		await().atMost(WAIT).until(listener::connected);
		staging.failure = new IllegalStateException("injected: state should be: open");
		harness.simulator.runWorkload(20);
		harness.simulator.advanceSlots(1);

		await().atMost(WAIT).until(() -> listener.writerHealth().restarts() >= 2);
		Health failing = health.health(true);
		assertThat(failing.getStatus()).isEqualTo(Status.DOWN);
		assertThat(writerDetails(failing)).containsEntry("state", "failing")
			.containsEntry("lastError", "IllegalStateException: injected: state should be: open");
		assertThat(meters.get("sync.listener.writer.failing").gauge().value()).isEqualTo(1);

		staging.failure = null;
		long confirmed = harness.simulator.ledger().transactions().stream()
			.filter(t -> t.slot() <= harness.simulator.ledger().slot(Commitment.CONFIRMED)).count();
		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmed);
		await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));

		Map<String, Object> recovered = writerDetails(health.health(true));
		assertThat(recovered).containsEntry("state", "running").containsKey("lastErrorAt");
		assertThat((Long) recovered.get("restarts")).isGreaterThanOrEqualTo(2);
		assertThat(meters.counter("sync.listener.writer.restarts").count())
			.isEqualTo(listener.writerHealth().restarts());
		assertThat(meters.get("sync.listener.writer.failing").gauge().value()).isZero();

		harness.simulator.runWorkload(10);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmed + 10);
	}

	@Test
	void aWriterStalledPastTheSilenceTimeoutPausesReadingWithoutDroppingTheConnection() {
		startListener(5);
		await().atMost(WAIT).until(listener::connected);
		staging.stalled = true;
		harness.simulator.runWorkload(40);
		harness.simulator.advanceSlots(1);

		await().atMost(WAIT).until(() -> meters.counter("sync.listener.buffer.full").count() > 0);
		// three silence timeouts with reading paused
		await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
			.until(() -> meters.counter("sync.listener.reconnects").count() == 0 && listener.connected());

		staging.stalled = false;
		long confirmed = harness.simulator.ledger().transactions().stream()
			.filter(t -> t.slot() <= harness.simulator.ledger().slot(Commitment.CONFIRMED)).count();
		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmed);
		assertThat(meters.counter("sync.listener.reconnects").count()).isZero();
		assertThat(meters.counter("sync.listener.gaps").count()).isZero();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> writerDetails(Health health) {
		return (Map<String, Object>) health.getDetails().get("writer");
	}

	/** Staging that throws {@link #failure} while it is set, and blocks while {@link #stalled}. */
	private static final class FailingStaging implements StagingInserts {

		private final StagingInserts delegate;

		volatile RuntimeException failure;

		volatile boolean stalled;

		FailingStaging(StagingInserts delegate) {
			this.delegate = delegate;
		}

		@Override
		public InsertResult insertIfAbsent(Collection<StagedTransaction> transactions) {
			while (stalled) {
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while stalled", ex);
				}
			}
			RuntimeException current = failure;
			if (current != null) {
				throw current;
			}
			return delegate.insertIfAbsent(transactions);
		}
	}
}
