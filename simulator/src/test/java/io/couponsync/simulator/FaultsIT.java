package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import tools.jackson.databind.JsonNode;

/** Each fault a test of an indexer needs, seen from the outside over real connections. */
class FaultsIT {

	private SolanaSimulator simulator;

	private RpcClient rpc;

	@BeforeEach
	void start() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		rpc = new RpcClient(simulator.rpcUrl());
	}

	@AfterEach
	void stop() {
		simulator.close();
	}

	@Test
	void answersTooManyRequestsWithRetryAfter() throws Exception {
		simulator.faults().retryAfterSeconds(2).answerTooManyRequests(2);
		HttpResponse<String> first = rpc.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getSlot\"}");
		assertThat(first.statusCode()).isEqualTo(429);
		assertThat(first.headers().firstValue("Retry-After")).contains("2");
		assertThat(rpc.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getSlot\"}").statusCode()).isEqualTo(429);
		assertThat(rpc.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getSlot\"}").statusCode()).isEqualTo(200);
		assertThat(simulator.metrics().tooManyRequestsAnswered()).isEqualTo(2);
	}

	@Test
	void answersListingsAndStatusesAsANodeBehindAndRefusesAMinContextSlotItHasNotReached() throws Exception {
		simulator.runWorkload(10);
		simulator.advanceSlots(1);
		simulator.advanceSlots(20);
		simulator.runWorkload(10);
		simulator.advanceSlots(1);
		long tip = simulator.ledger().slot();
		List<LedgerTransaction> all = simulator.ledger().transactions();
		LedgerTransaction newest = all.get(all.size() - 1);
		simulator.faults().lagSignatureListings(10).lagSignatureStatuses(10);
		Map<String, Object> config = Map.of("limit", 1000, "commitment", "confirmed");

		assertThat(rpc.result("getSignaturesForAddress", simulator.programId(), config)).as("first call: the node ahead")
			.hasSize(all.size());
		assertThat(rpc.result("getSignaturesForAddress", simulator.programId(), config)).as("second: the one behind")
			.hasSize(all.size() - 10);
		assertThat(rpc.result("getSignaturesForAddress", simulator.programId(),
				Map.of("commitment", "confirmed", "minContextSlot", newest.slot()))).as("the node ahead").hasSize(all.size());
		JsonNode refused = rpc.call("getSignaturesForAddress", simulator.programId(),
				Map.of("commitment", "confirmed", "minContextSlot", newest.slot()));
		assertThat(refused.path("error").path("code").asInt()).as("the node behind").isEqualTo(-32016);
		JsonNode statuses = rpc.result("getSignatureStatuses", List.of(newest.signature()),
				Map.of("searchTransactionHistory", true));
		assertThat(statuses.path("context").path("slot").asLong()).isEqualTo(tip - 10);
		assertThat(statuses.path("value").get(0).isNull()).isTrue();
	}

	@Test
	void dropsEveryWebSocketConnection() throws Exception {
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"slotSubscribe\"}");
			socket.next();
			simulator.dropConnections();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (!socket.closed && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(socket.closed).isTrue();
			assertThat(simulator.pubSub().subscriptionCount()).isZero();
		}
	}

	@Test
	void withholdsNotificationsThatOnlyACrawlOfSignaturesFinds() throws Exception {
		simulator.faults().withholdNotificationsShare(0.3);
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
					+ simulator.programId() + "\"]},{\"commitment\":\"confirmed\"}]}");
			socket.next();
			simulator.runWorkload(100);
			simulator.advanceSlots(1);
			Set<String> notified = new HashSet<>();
			JsonNode message;
			while ((message = socket.messages.poll(500, TimeUnit.MILLISECONDS)) != null) {
				notified.add(message.get("params").get("result").get("value").get("signature").asString());
			}
			Set<String> withheld = simulator.faults().withheldSignatures();
			assertThat(withheld).hasSizeBetween(10, 60);
			assertThat(notified).doesNotContainAnyElementsOf(withheld);
			assertThat(notified.size() + withheld.size()).isEqualTo(simulator.ledger().transactionCount());

			Set<String> crawled = new HashSet<>();
			rpc.result("getSignaturesForAddress", simulator.programId(), Map.of("commitment", "confirmed"))
				.forEach(entry -> crawled.add(entry.get("signature").asString()));
			assertThat(crawled).containsAll(withheld);
		}
	}

	@Test
	void sendsEachMalformedNotificationBeforeAGoodOne() throws Exception {
		simulator.faults().sendMalformedNotifications(3);
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
					+ simulator.programId() + "\"]},{\"commitment\":\"confirmed\"}]}");
			socket.raw.poll(5, TimeUnit.SECONDS);
			simulator.runWorkload(5);
			simulator.advanceSlots(1);
			StringBuilder kinds = new StringBuilder();
			String frame;
			while ((frame = socket.raw.poll(500, TimeUnit.MILLISECONDS)) != null) {
				boolean wellFormed = frame.contains("\"signature\"") && frame.contains("\"logs\"");
				kinds.append(wellFormed ? 'g' : 'm');
			}
			assertThat(kinds.toString()).as("frames in the order sent (m malformed, g good): one before each of the next")
				.isEqualTo("mgmgmg" + "g".repeat(simulator.ledger().transactionCount() - 3));
		}
	}

	@Test
	void forkDropsConfirmedTransactionsAndRollsTheirAccountsBack() throws Exception {
		simulator.runWorkload(30);
		simulator.advanceSlots(40);
		Map<String, GroundTruth.Account> before = simulator.groundTruth().accounts(Commitment.PROCESSED);
		List<LedgerTransaction> forked = simulator.runWorkload(15);
		simulator.advanceSlots(2);
		LedgerTransaction confirmed = forked.get(0);
		JsonNode status = rpc.result("getSignatureStatuses", List.of(confirmed.signature()));
		assertThat(status.get("value").get(0).get("confirmationStatus").asString()).isEqualTo("confirmed");

		List<LedgerTransaction> dropped = simulator.dropByFork(confirmed);

		assertThat(dropped).extracting(LedgerTransaction::signature)
			.containsAll(forked.stream().map(LedgerTransaction::signature).toList());
		assertThat(rpc.result("getSignatureStatuses", List.of(confirmed.signature()), Map.of(
				"searchTransactionHistory", true)).get("value").get(0).isNull()).isTrue();
		assertThat(rpc.result("getTransaction", confirmed.signature(), Map.of("commitment", "confirmed")).isNull())
			.isTrue();
		assertThat(rpc.call("getBlock", confirmed.slot(), Map.of("commitment", "confirmed")).get("error")
			.get("code").asInt()).isEqualTo(-32007);
		Map<String, GroundTruth.Account> after = simulator.groundTruth().accounts(Commitment.PROCESSED);
		assertThat(after.keySet()).isEqualTo(before.keySet());
		after.forEach((address, account) -> assertThat(account.signature())
			.isEqualTo(before.get(address).signature()));
		assertThat(simulator.runWorkload(5)).allSatisfy(t -> assertThat(t.slot()).isGreaterThan(confirmed.slot()));
	}

	@Test
	void refusesToForkAFinalizedSlot() {
		LedgerTransaction transaction = simulator.runWorkload(1).get(0);
		simulator.advanceSlots(33);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> simulator.dropByFork(transaction)).withMessageContaining("is finalized");
	}

	@Test
	void forgetsOldStatusesUnlessHistoryIsSearched() throws Exception {
		LedgerTransaction old = simulator.runWorkload(1).get(0);
		simulator.advanceSlots(simulator.ledger().config().statusCacheSlots() + 1);
		assertThat(rpc.result("getSignatureStatuses", List.of(old.signature())).get("value").get(0).isNull())
			.isTrue();
		assertThat(rpc.result("getSignatureStatuses", List.of(old.signature()),
				Map.of("searchTransactionHistory", true)).get("value").get(0).get("confirmationStatus").asString())
			.isEqualTo("finalized");
	}
}
