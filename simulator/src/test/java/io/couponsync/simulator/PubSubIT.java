package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;
import tools.jackson.databind.JsonNode;

/** logsSubscribe / slotSubscribe over a real WebSocket, with the notification shapes of the PubSub service. */
class PubSubIT {

	private SolanaSimulator simulator;

	@BeforeEach
	void start() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
	}

	@AfterEach
	void stop() {
		simulator.close();
	}

	private String logsSubscribe(String commitment) {
		return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
				+ simulator.programId() + "\"]},{\"commitment\":\"" + commitment + "\"}]}";
	}

	@Test
	void notifiesEachTransactionOnceWhenItReachesTheSubscribedCommitment() throws Exception {
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send(logsSubscribe("confirmed"));
			JsonNode subscribed = socket.next();
			assertThat(subscribed.get("result").isInt()).isTrue();
			int subscription = subscribed.get("result").asInt();

			List<LedgerTransaction> landed = simulator.runWorkload(20);
			assertThat(socket.messages.poll(200, TimeUnit.MILLISECONDS)).as("processed is not confirmed").isNull();
			simulator.advanceSlots(1);

			Set<String> notified = new HashSet<>();
			for (int i = 0; i < 22; i++) {
				JsonNode notification = socket.next();
				assertThat(notification.get("method").asString()).isEqualTo("logsNotification");
				JsonNode params = notification.get("params");
				assertThat(params.get("subscription").asInt()).isEqualTo(subscription);
				JsonNode value = params.get("result").get("value");
				assertThat(params.get("result").get("context").get("slot").asLong()).isEqualTo(landed.get(0).slot());
				assertThat(value.has("err")).isTrue();
				assertThat(value.get("logs").isArray()).isTrue();
				notified.add(value.get("signature").asString());
			}
			assertThat(notified).containsAll(landed.stream().map(LedgerTransaction::signature).toList());
			simulator.advanceSlots(40);
			assertThat(socket.messages.poll(200, TimeUnit.MILLISECONDS)).as("no second notification").isNull();
		}
	}

	@Test
	void notifiesSlotsAndUnsubscribes() throws Exception {
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"slotSubscribe\"}");
			int subscription = socket.next().get("result").asInt();
			long before = simulator.ledger().slot();
			simulator.advanceSlots(1);
			JsonNode slot = socket.next().get("params");
			assertThat(slot.get("subscription").asInt()).isEqualTo(subscription);
			assertThat(slot.get("result").get("slot").asLong()).isEqualTo(before + 1);
			assertThat(slot.get("result").get("parent").asLong()).isEqualTo(before);
			assertThat(slot.get("result").has("root")).isTrue();

			socket.send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"slotUnsubscribe\",\"params\":[" + subscription + "]}");
			JsonNode answer = socket.next();
			assertThat(answer.get("result").asBoolean()).isTrue();
			assertThat(answer.get("id").asInt()).isEqualTo(8);
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"logsUnsubscribe\",\"params\":[12345]}");
			assertThat(socket.next().get("error").get("message").asString()).isEqualTo("Invalid subscription id.");
		}
	}

	@Test
	void refusesMoreThanOneMentionedAddress() throws Exception {
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logsSubscribe\",\"params\":[{\"mentions\":[\""
					+ simulator.programId() + "\",\"" + simulator.programId() + "\"]}]}");
			assertThat(socket.next().get("error").get("message").asString()).contains("Only 1 address supported");
		}
	}

	@Test
	void finalizesInTheSameSlotWhenConfiguredAsAlpenglow() throws Exception {
		simulator.close();
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl())
			.withLedger(new Ledger.Config(0, 0, 300, 1_767_225_600L, 150)));
		try (RpcClient.Socket socket = new RpcClient.Socket(simulator.wsUrl())) {
			socket.send(logsSubscribe("finalized"));
			socket.next();
			LedgerTransaction landed = simulator.runWorkload(1).get(0);
			assertThat(socket.next().get("params").get("result").get("value").get("signature").asString())
				.isIn(landed.signature(), simulator.ledger().transactions().get(0).signature(),
						simulator.ledger().transactions().get(1).signature());
			JsonNode status = new RpcClient(simulator.rpcUrl()).result("getSignatureStatuses",
					List.of(landed.signature()));
			assertThat(status.get("value").get(0).get("confirmationStatus").asString()).isEqualTo("finalized");
		}
	}
}
