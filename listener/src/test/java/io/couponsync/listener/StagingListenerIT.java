package io.couponsync.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.ListenerCoverage;
import io.couponsync.chain.staging.MongoCoverageRepository;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.micrometer.core.instrument.MeterRegistry;

/** The listener against the simulator over a real WebSocket, staging into MongoDB over the wire. */
@ExtendWith(OutputCaptureExtension.class)
class StagingListenerIT {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private ListenerHarness harness;

	@BeforeEach
	void start() {
		harness = new ListenerHarness();
	}

	@AfterEach
	void stop() {
		harness.close();
	}

	@Test
	void stagesEveryConfirmedTransactionExactlyOnce() {
		ConfigurableApplicationContext listener = harness.startListener();
		awaitConnected(listener);

		for (int slot = 0; slot < 30; slot++) {
			harness.simulator.runWorkload(10);
			harness.simulator.advanceSlots(1);
		}
		List<LedgerTransaction> confirmed = confirmedTransactions();
		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmed.size());

		Map<String, Document> staged = stagedBySignature();
		assertThat(staged).hasSize(confirmed.size());
		for (LedgerTransaction transaction : confirmed) {
			Document document = staged.get(transaction.signature());
			assertThat(document).as(transaction.signature()).isNotNull();
			assertThat(document.getLong("slot")).isEqualTo(transaction.slot());
			assertThat(document.getList("logs", String.class)).isEqualTo(transaction.draft().logs());
			assertThat(document.getString("source")).isEqualTo("websocket");
			assertThat(document.getString("status")).isEqualTo("received");
			assertThat(document.get("err") == null).isEqualTo(!transaction.failed());
		}
		MeterRegistry meters = listener.getBean(MeterRegistry.class);
		// why: the writer counts a batch once its insert has returned, a moment after the documents are visible
		await().atMost(WAIT).until(() -> meters.counter("sync.listener.transactions.staged").count()
				== confirmed.size());
		assertThat(meters.counter("sync.listener.transactions.duplicates").count()).isZero();
	}

	@Test
	void recordsItsConnectionForOtherProcesses() {
		CoverageRepository coverage = new MongoCoverageRepository(harness.client.getDatabase("listener_test"),
				harness.simulator.programId());
		Instant started = Instant.now();
		ConfigurableApplicationContext listener = harness.startListener("sync.listener.id=reporting",
				"sync.listener.heartbeat-interval=100ms");
		awaitConnected(listener);

		await().atMost(WAIT).until(() -> heartbeat(coverage).filter(ListenerCoverage.Heartbeat::connected).isPresent());
		ListenerCoverage.Heartbeat connected = heartbeat(coverage).orElseThrow();
		assertThat(connected.connectedSince()).isAfterOrEqualTo(started.truncatedTo(ChronoUnit.MILLIS));
		assertThat(connected.alive(Instant.now())).isTrue();
		assertThat(connected.expiresAt()).as("a report counts for three intervals")
			.isEqualTo(connected.beatAt().plusMillis(300));
		harness.simulator.runWorkload(5);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> heartbeat(coverage).map(ListenerCoverage.Heartbeat::lastNotificationAt)
			.filter(at -> !at.isBefore(connected.connectedSince())).isPresent());
		Instant beat = heartbeat(coverage).orElseThrow().beatAt();
		await().atMost(WAIT).until(() -> heartbeat(coverage).orElseThrow().beatAt().isAfter(beat));

		listener.close();

		assertThat(heartbeat(coverage).orElseThrow().connected()).as("reported not connected once stopped").isFalse();
	}

	private static Optional<ListenerCoverage.Heartbeat> heartbeat(CoverageRepository coverage) {
		return coverage.heartbeats().stream().filter(beat -> beat.listenerId().equals("reporting")).findFirst();
	}

	@Test
	void leavesWhateverItMissesInsideARecordedGapWhenConnectionsDrop() {
		ConfigurableApplicationContext listener = harness.startListener();
		awaitConnected(listener);

		for (int round = 0; round < 12; round++) {
			harness.simulator.runWorkload(15);
			harness.simulator.advanceSlots(1);
			if (round % 3 == 1) {
				harness.simulator.dropConnections();
				// lands while the listener is away
				harness.simulator.runWorkload(10);
				harness.simulator.advanceSlots(1);
				awaitConnected(listener);
			}
			sleep(50);
		}
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> harness.gaps().countDocuments(new Document("toSlot", null)) == 0);
		await().atMost(WAIT).pollDelay(Duration.ofMillis(300)).until(() -> settled());

		List<Document> gaps = harness.gaps().find().into(new ArrayList<>());
		assertThat(gaps).hasSizeGreaterThanOrEqualTo(4);
		Map<String, Document> staged = stagedBySignature();
		int missed = 0;
		for (LedgerTransaction transaction : confirmedTransactions()) {
			if (!staged.containsKey(transaction.signature())) {
				missed++;
				assertThat(gaps).as("missed %s at slot %d lies in a gap", transaction.signature(), transaction.slot())
					.anySatisfy(gap -> assertThat(transaction.slot())
						.isBetween(gap.getLong("fromSlot"), gap.getLong("toSlot")));
			}
		}
		assertThat(missed).as("connections dropped while transactions landed").isPositive();
		assertThat(listener.getBean(MeterRegistry.class).counter("sync.listener.reconnects").count())
			.isGreaterThanOrEqualTo(4);
	}

	@Test
	void resumesFromItsCheckpointAfterARestartWithTheDowntimeAsAGap() {
		ConfigurableApplicationContext first = harness.startListener();
		awaitConnected(first);
		harness.simulator.runWorkload(20);
		harness.simulator.advanceSlots(40);
		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmedTransactions().size());
		first.close();

		List<LedgerTransaction> whileDown = harness.simulator.runWorkload(25);
		harness.simulator.advanceSlots(2);

		ConfigurableApplicationContext second = harness.startListener();
		awaitConnected(second);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> harness.gaps().countDocuments(new Document("toSlot", null)) == 0);
		List<LedgerTransaction> afterRestart = harness.simulator.runWorkload(10);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> stagedBySignature().keySet()
			.containsAll(afterRestart.stream().map(LedgerTransaction::signature).toList()));

		Document gap = harness.gaps().find().first();
		assertThat(gap.getString("reason")).isNotBlank();
		for (LedgerTransaction missed : whileDown) {
			assertThat(missed.slot()).isBetween(gap.getLong("fromSlot"), gap.getLong("toSlot"));
		}
		Document checkpoint = harness.client.getDatabase("listener_test").getCollection("listener_checkpoints")
			.find(new Document("_id", "default")).first();
		assertThat(checkpoint.getLong("highestSlot")).isEqualTo(afterRestart.get(0).slot());
	}

	@Test
	void survivesTooManyRequestsWhileReconnecting() {
		ConfigurableApplicationContext listener = harness.startListener();
		awaitConnected(listener);
		harness.simulator.faults().retryAfterSeconds(1).rejectWebSocketHandshakes(3);
		harness.simulator.dropConnections();

		await().atMost(WAIT).until(() -> listener.getBean(MeterRegistry.class).counter("sync.listener.reconnects")
			.count() >= 4);
		awaitConnected(listener);
		List<LedgerTransaction> later = harness.simulator.runWorkload(10);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> stagedBySignature().keySet()
			.containsAll(later.stream().map(LedgerTransaction::signature).toList()));
	}

	@Test
	void countsMalformedNotificationsAndStagesTheRest() {
		ConfigurableApplicationContext listener = harness.startListener();
		awaitConnected(listener);
		harness.simulator.faults().sendMalformedNotifications(3);
		harness.simulator.runWorkload(20);
		harness.simulator.advanceSlots(1);

		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmedTransactions().size());
		assertThat(listener.getBean(MeterRegistry.class).counter("sync.listener.notifications.malformed").count())
			.isEqualTo(3);
		assertThat(listener.getBean(StagingListener.class).connected()).isTrue();
	}

	@Test
	void stagesATransactionTooLargeToStoreWithoutItsLogsAndTheRestOfItsBatchAsUsual() {
		ConfigurableApplicationContext listener = harness.startListener("sync.listener.max-message-size=64MB");
		awaitConnected(listener);
		// 17 MiB of padding: its document would pass MongoDB's 16 MiB limit
		harness.simulator.faults().inflateNotifications(1, 17 << 20);
		harness.simulator.runWorkload(20);
		harness.simulator.advanceSlots(1);

		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmedTransactions().size());
		List<Document> unstorable = harness.staged().find(Filters.exists("unstorable")).into(new ArrayList<>());
		assertThat(unstorable).singleElement().satisfies(document -> {
			assertThat(document).doesNotContainKey("logs").containsEntry("status", "received");
			assertThat(document.getString("unstorable")).startsWith("its document would be 17,")
				.endsWith("over MongoDB's limit of 16,777,216; not stored: " + (17 + logLines(document)) + " log lines");
		});
		assertThat(harness.staged().countDocuments(Filters.exists("logs"))).isEqualTo(confirmedTransactions().size() - 1);
		MeterRegistry meters = listener.getBean(MeterRegistry.class);
		assertThat(meters.counter("sync.listener.transactions.unstorable").count()).isEqualTo(1);
		assertThat(meters.counter("sync.listener.write.failures").count()).as("nothing retried").isZero();
		assertThat(listener.getBean(StagingListener.class).writerHealth().restarts()).isZero();
	}

	/** How many log lines the chain's transaction has (the notification padded them). */
	private int logLines(Document staged) {
		return harness.simulator.ledger().transactions().stream()
			.filter(transaction -> transaction.signature().equals(staged.getString("_id")))
			.findFirst().orElseThrow().draft().logs().size();
	}

	@Test
	void aSecondListenerOnTheSameStagingChangesNothing() {
		ConfigurableApplicationContext first = harness.startListener("sync.listener.id=provider-a");
		ConfigurableApplicationContext second = harness.startListener("sync.listener.id=provider-b");
		awaitConnected(first);
		awaitConnected(second);

		harness.simulator.runWorkload(100);
		harness.simulator.advanceSlots(1);
		int expected = confirmedTransactions().size();
		await().atMost(WAIT).until(() -> staged(first) + staged(second) + duplicates(first) + duplicates(second)
				== 2.0 * expected);

		assertThat(harness.staged().countDocuments()).isEqualTo(expected);
		assertThat(staged(first) + staged(second)).isEqualTo(expected);
		assertThat(duplicates(first) + duplicates(second)).isEqualTo(expected);
	}

	@Test
	void reconnectsWhenTheConnectionFallsSilent() {
		ConfigurableApplicationContext listener = harness.startListener("sync.listener.silence-timeout=1s",
				"sync.listener.ping-interval=200ms");
		awaitConnected(listener);
		harness.simulator.faults().silenceWebSockets(true);
		harness.simulator.runWorkload(5);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> listener.getBean(MeterRegistry.class).counter("sync.listener.reconnects")
			.count() >= 1);
		harness.simulator.faults().silenceWebSockets(false);
		awaitConnected(listener);
		harness.simulator.advanceSlots(1);
		await().atMost(WAIT).until(() -> harness.gaps().countDocuments() >= 1
				&& harness.gaps().countDocuments(new Document("toSlot", null)) == 0);
	}

	@Test
	void pausesReadingWhenTheBufferIsFullAndLosesNothing() {
		ConfigurableApplicationContext listener = harness.startListener("sync.listener.buffer-capacity=3",
				"sync.listener.batch-size=2");
		awaitConnected(listener);
		harness.simulator.runWorkload(400);
		harness.simulator.advanceSlots(1);

		await().atMost(WAIT).until(() -> harness.staged().countDocuments() == confirmedTransactions().size());
		assertThat(listener.getBean(MeterRegistry.class).counter("sync.listener.buffer.full").count()).isPositive();
		assertThat(harness.gaps().countDocuments()).as("flow control, not a disconnect").isZero();
	}

	@Test
	void dropsAMessageOverTheSizeLimitWithItsConnectionAndReconnects() throws Exception {
		// three fragments of one message: 1,800 characters in all, each under the 1 KB limit
		try (OneMessageWebSocketServer endpoint = new OneMessageWebSocketServer(
				List.of("{\"jsonrpc\":\"2.0\",\"x\":\"" + "a".repeat(600), "b".repeat(600), "c".repeat(600) + "\"}"))) {
			ConfigurableApplicationContext listener = harness.startListener("sync.listener.max-message-size=1KB",
					"sync.solana.ws-url=" + endpoint.url());

			MeterRegistry meters = listener.getBean(MeterRegistry.class);
			await().atMost(WAIT).until(() -> endpoint.connections() >= 2);
			assertThat(meters.counter("sync.listener.messages.oversized").count()).isPositive();
			assertThat(meters.counter("sync.listener.notifications.malformed").count()).as("never parsed").isZero();
			assertThat(meters.counter("sync.listener.reconnects").count()).isPositive();
			await().atMost(WAIT).until(() -> harness.gaps().find(Filters.regex("reason", "max-message-size"))
				.first() != null);
		}
	}

	@Test
	void showsTheWebSocketUrlOnlyRedactedInLogsAndHealth(CapturedOutput output) throws Exception {
		int closedPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		ConfigurableApplicationContext listener = harness
			.startListener("sync.solana.ws-url=ws://127.0.0.1:" + closedPort + "/v2/secret-key?api-key=secret");
		await().atMost(WAIT).until(() -> listener.getBean(MeterRegistry.class).counter("sync.listener.reconnects")
			.count() >= 1);

		String redacted = "ws://127.0.0.1:" + closedPort + "/***?***";
		Health health = listener.getBean(ListenerHealthIndicator.class).health(true);
		assertThat(health.getDetails()).containsEntry("url", redacted);
		assertThat(output.getAll()).contains("Cannot connect to " + redacted + ": connection refused")
			.doesNotContain("secret");
	}

	private double staged(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).counter("sync.listener.transactions.staged").count();
	}

	private double duplicates(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).counter("sync.listener.transactions.duplicates").count();
	}

	private List<LedgerTransaction> confirmedTransactions() {
		long confirmed = harness.simulator.ledger().slot(Commitment.CONFIRMED);
		return harness.simulator.ledger().transactions().stream().filter(t -> t.slot() <= confirmed).toList();
	}

	private Map<String, Document> stagedBySignature() {
		Map<String, Document> staged = new HashMap<>();
		harness.staged().find().forEach(document -> staged.put(document.getString("_id"), document));
		return staged;
	}

	private long lastCount = -1;

	private boolean settled() {
		long count = harness.staged().countDocuments();
		boolean same = count == lastCount;
		lastCount = count;
		return same;
	}

	/**
	 * Waits until the listener's logs subscription is answered and the simulator holds the logs and slot
	 * subscriptions of every running listener: from then on, whatever lands reaches them.
	 */
	private void awaitConnected(ConfigurableApplicationContext context) {
		StagingListener listener = context.getBean(StagingListener.class);
		await().atMost(WAIT).until(listener::connected);
		int subscriptions = 2 * harness.runningListeners();
		await().atMost(WAIT).until(() -> harness.simulator.pubSub().subscriptionCount() >= subscriptions);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static Set<String> signatures(List<LedgerTransaction> transactions) {
		return new HashSet<>(transactions.stream().map(LedgerTransaction::signature).toList());
	}
}
