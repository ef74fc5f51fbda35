package io.couponsync.platform.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.rpc.BlockSignatures;
import io.couponsync.chain.rpc.ConfirmationStatus;
import io.couponsync.chain.rpc.FetchedTransaction;
import io.couponsync.chain.rpc.RpcCallObserver;
import io.couponsync.chain.rpc.RpcException;
import io.couponsync.chain.rpc.SignatureStatus;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.LedgerTransaction;

/** The RPC client against the simulator over real HTTP: batched to the limits, polite under 429, clear on errors. */
class SolanaRpcClientIT {

	private static SolanaSimulator simulator;

	private static List<LedgerTransaction> landed;

	private final List<Duration> backoffs = new ArrayList<>();

	private final AtomicInteger throttled = new AtomicInteger();

	private SolanaRpcClient client;

	@BeforeAll
	static void start() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		for (int slot = 0; slot < 60; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(40);
		landed = simulator.ledger().transactions();
	}

	@AfterAll
	static void stop() {
		simulator.close();
	}

	@BeforeEach
	void connect() {
		simulator.metrics().reset();
		client = new SolanaRpcClient(SolanaRpcClient.Options.defaults(URI.create(simulator.rpcUrl())),
				new RpcCallObserver() {
					@Override
					public void throttled(String method) {
						throttled.incrementAndGet();
					}
				}, backoffs::add);
	}

	@Test
	void batchesStatusesAccountsAndTransactionsToTheProtocolLimits() {
		List<String> signatures = landed.stream().map(LedgerTransaction::signature).toList().subList(0, 600);

		List<SignatureStatus> statuses = client.getSignatureStatuses(signatures, true);
		assertThat(statuses).hasSize(600).allSatisfy(status -> assertThat(status.confirmationStatus())
			.isEqualTo(ConfirmationStatus.FINALIZED));
		assertThat(statuses.get(0).slot()).isEqualTo(landed.get(0).slot());
		assertThat(simulator.metrics().calls("getSignatureStatuses")).as("ceil(600/256)").isEqualTo(3);

		List<String> accounts = new ArrayList<>();
		client.call("getProgramAccounts", simulator.programId(), java.util.Map.of("encoding", "base64",
				"dataSlice", java.util.Map.of("offset", 0, "length", 0)))
			.forEach(entry -> accounts.add(entry.get("pubkey").asString()));
		assertThat(accounts.size()).isGreaterThan(200);
		assertThat(client.readAccounts(accounts, "finalized", 0)).hasSize(accounts.size())
			.allSatisfy(read -> assertThat(read.account().owner()).isEqualTo(simulator.programId()))
			.allSatisfy(read -> assertThat(read.account().data()).hasSizeGreaterThan(8))
			.allSatisfy(read -> assertThat(read.contextSlot()).isPositive());
		assertThat(simulator.metrics().calls("getMultipleAccounts"))
			.isEqualTo((accounts.size() + 99) / 100);

		long requestsBefore = simulator.metrics().httpRequests();
		List<FetchedTransaction> transactions = client.getTransactions(signatures.subList(0, 120), "finalized");
		assertThat(transactions).hasSize(120);
		for (int i = 0; i < 120; i++) {
			assertThat(transactions.get(i).signature()).isEqualTo(signatures.get(i));
			assertThat(transactions.get(i).slot()).isEqualTo(landed.get(i).slot());
			assertThat(transactions.get(i).logs()).isNotEmpty();
		}
		assertThat(simulator.metrics().httpRequests() - requestsBefore).as("batches of 50").isEqualTo(3);
	}

	@Test
	void readsBlocksInBlockOrderAndAnswersNullForABlockTheNodeDoesNotHave() {
		LedgerTransaction first = landed.get(0);
		LedgerTransaction last = landed.get(landed.size() - 1);
		long beyondTip = simulator.ledger().slot() + 1_000;

		List<BlockSignatures> blocks = client.getBlockSignatures(List.of(first.slot(), beyondTip, last.slot()),
				"confirmed");

		assertThat(blocks).hasSize(3);
		assertThat(blocks.get(1)).isNull();
		for (LedgerTransaction transaction : List.of(first, last)) {
			BlockSignatures block = blocks.get(transaction == first ? 0 : 2);
			assertThat(block.slot()).isEqualTo(transaction.slot());
			assertThat(block.signatures().get(transaction.indexInBlock())).isEqualTo(transaction.signature());
			assertThat(block.signatures()).hasSize(simulator.ledger().block(transaction.slot()).size());
		}
		assertThat(simulator.metrics().calls("getBlock")).isEqualTo(3);
		assertThat(simulator.metrics().httpRequests()).as("one JSON-RPC batch").isEqualTo(1);
	}

	@Test
	void waitsAsRetryAfterAsksWhenThrottledAndThenSucceeds() {
		simulator.faults().retryAfterSeconds(3).answerTooManyRequests(2);

		long slot = client.getSlot("finalized");

		assertThat(slot).isPositive();
		assertThat(throttled).hasValue(2);
		assertThat(backoffs).hasSize(2).allSatisfy(delay -> assertThat(delay).isGreaterThanOrEqualTo(
				Duration.ofSeconds(3)));
	}

	@Test
	void backsOffExponentiallyAndGivesUpWithTheReason() {
		simulator.faults().retryAfterSeconds(0).answerTooManyRequests(100);
		try {
			assertThatThrownBy(() -> client.getSlot("finalized")).isInstanceOf(RpcException.class)
				.hasMessageContaining("getSlot failed 6 times, last: HTTP 429");
			assertThat(backoffs).hasSize(5);
			for (int i = 1; i < backoffs.size(); i++) {
				long cap = Math.min(30_000, 250L << i);
				assertThat(backoffs.get(i).toMillis()).isBetween(cap / 2, cap);
			}
		}
		finally {
			simulator.faults().answerTooManyRequests(0);
		}
	}

	@Test
	void retriesAnswersOfANodeThatIsBehindSinglesAndBatchesAlike() {
		simulator.faults().answerNodeBehind(2);
		assertThat(client.getSlot("finalized")).isPositive();
		assertThat(backoffs).as("one backoff per -32005 answer").hasSize(2);

		// one element of a batch answered -32005: the whole batch is asked again (reads are idempotent)
		simulator.faults().answerNodeBehind(1);
		List<String> signatures = landed.subList(0, 5).stream().map(t -> t.signature()).toList();
		List<FetchedTransaction> transactions = client.getTransactions(signatures, "confirmed");
		assertThat(transactions).hasSize(5).allSatisfy(transaction -> assertThat(transaction).isNotNull());
		assertThat(backoffs).hasSize(3);

		simulator.faults().answerNodeBehind(100);
		try {
			assertThatThrownBy(() -> client.getSlot("finalized")).isInstanceOf(RpcException.class)
				.hasMessageContaining(
						"getSlot failed 6 times, last: JSON-RPC error -32005: Node is behind by 42 slots");
		}
		finally {
			simulator.faults().answerNodeBehind(0);
		}
	}

	@Test
	void failsFastOnJsonRpcErrorsWithTheCodeAndMessage() {
		List<String> tooMany = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			tooMany.add(landed.get(0).signature());
		}
		assertThatThrownBy(() -> client.call("getSignatureStatuses", tooMany))
			.isInstanceOfSatisfying(RpcException.class, ex -> assertThat(ex.code()).isEqualTo(-32602))
			.hasMessageContaining("getSignatureStatuses failed: Too many inputs provided; max 256");
		assertThatThrownBy(() -> client.call("noSuchMethod")).hasMessageContaining("Method not found");
		assertThat(backoffs).as("no retry for these").isEmpty();
	}
}
