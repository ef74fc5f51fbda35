package io.couponsync.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;
import io.couponsync.simulator.ledger.LedgerTransaction;
import tools.jackson.databind.JsonNode;

/** Every HTTP method answers in the shape the Solana RPC documentation shows, with its limits and errors. */
class JsonRpcIT {

	private static SolanaSimulator simulator;

	private static RpcClient rpc;

	private static List<LedgerTransaction> landed;

	@BeforeAll
	static void start() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		rpc = new RpcClient(simulator.rpcUrl());
		landed = new ArrayList<>();
		for (int slot = 0; slot < 40; slot++) {
			landed.addAll(simulator.runWorkload(5));
			simulator.advanceSlots(1);
		}
	}

	@AfterAll
	static void stop() {
		simulator.close();
	}

	@Test
	void answersHealthVersionSlotsAndBlockhash() throws Exception {
		assertThat(rpc.result("getHealth").asString()).isEqualTo("ok");
		assertThat(rpc.result("getVersion").has("solana-core")).isTrue();
		long finalized = rpc.result("getSlot").asLong();
		long processed = rpc.result("getSlot", Map.of("commitment", "processed")).asLong();
		assertThat(processed - finalized).isEqualTo(32);
		assertThat(rpc.result("getSlot", Map.of("commitment", "confirmed")).asLong()).isEqualTo(processed - 1);
		assertThat(rpc.result("getBlockHeight").asLong()).isEqualTo(finalized);
		JsonNode blockhash = rpc.result("getLatestBlockhash");
		assertThat(blockhash.get("context").get("slot").asLong()).isEqualTo(finalized);
		assertThat(Base58.decode(blockhash.get("value").get("blockhash").asString())).hasSize(32);
		assertThat(blockhash.get("value").get("lastValidBlockHeight").asLong()).isGreaterThan(finalized);
	}

	@Test
	void reportsSignatureStatusesByCommitmentAndRefusesMoreThan256() throws Exception {
		LedgerTransaction oldest = landed.get(0);
		LedgerTransaction newest = landed.get(landed.size() - 1);
		JsonNode result = rpc.result("getSignatureStatuses",
				List.of(oldest.signature(), newest.signature(), Base58.encode(new byte[64])));

		assertThat(result.get("context").get("slot").asLong()).isEqualTo(simulator.ledger().slot());
		JsonNode finalized = result.get("value").get(0);
		assertThat(finalized.get("slot").asLong()).isEqualTo(oldest.slot());
		assertThat(finalized.get("confirmations").isNull()).isTrue();
		assertThat(finalized.get("confirmationStatus").asString()).isEqualTo("finalized");
		assertThat(finalized.has("err")).isTrue();
		assertThat(finalized.get("status").has(oldest.failed() ? "Err" : "Ok")).isTrue();
		JsonNode confirmed = result.get("value").get(1);
		assertThat(confirmed.get("confirmationStatus").asString()).isEqualTo("confirmed");
		assertThat(confirmed.get("confirmations").asLong()).isEqualTo(1);
		assertThat(result.get("value").get(2).isNull()).isTrue();

		List<String> tooMany = new ArrayList<>();
		for (int i = 0; i < 257; i++) {
			tooMany.add(landed.get(i % landed.size()).signature());
		}
		JsonNode error = rpc.call("getSignatureStatuses", tooMany).get("error");
		assertThat(error.get("code").asInt()).isEqualTo(-32602);
		assertThat(error.get("message").asString()).contains("max 256");
	}

	@Test
	void returnsTransactionsAsJsonAndAsWireBase64() throws Exception {
		LedgerTransaction transaction = landed.get(3);
		JsonNode json = rpc.result("getTransaction", transaction.signature(),
				Map.of("encoding", "json", "maxSupportedTransactionVersion", 0));

		assertThat(json.get("slot").asLong()).isEqualTo(transaction.slot());
		assertThat(json.get("blockTime").asLong()).isEqualTo(transaction.blockTime());
		assertThat(json.get("version").asString()).isEqualTo("legacy");
		JsonNode meta = json.get("meta");
		assertThat(meta.get("logMessages")).hasSize(transaction.draft().logs().size());
		for (String field : List.of("err", "fee", "innerInstructions", "loadedAddresses", "postBalances",
				"preBalances", "status", "computeUnitsConsumed", "rewards")) {
			assertThat(meta.has(field)).as(field).isTrue();
		}
		JsonNode message = json.get("transaction").get("message");
		assertThat(message.get("accountKeys").get(0).asString()).isEqualTo(transaction.draft().accountKeys().get(0));
		assertThat(message.get("header").get("numRequiredSignatures").asInt()).isEqualTo(1);
		assertThat(message.get("instructions")).hasSize(2);
		assertThat(json.get("transaction").get("signatures").get(0).asString()).isEqualTo(transaction.signature());

		JsonNode wire = rpc.result("getTransaction", transaction.signature(), Map.of("encoding", "base64"));
		assertThat(wire.has("version")).as("no version without maxSupportedTransactionVersion").isFalse();
		byte[] bytes = Base64.getDecoder().decode(wire.get("transaction").get(0).asString());
		assertThat(wire.get("transaction").get(1).asString()).isEqualTo("base64");
		assertThat(bytes[0]).as("one signature").isEqualTo((byte) 1);
		assertThat(java.util.Arrays.copyOfRange(bytes, 1, 65)).isEqualTo(Base58.decode(transaction.signature()));
	}

	@Test
	void hidesUnfinalizedTransactionsByDefaultAndRefusesProcessed() throws Exception {
		LedgerTransaction newest = landed.get(landed.size() - 1);
		assertThat(rpc.result("getTransaction", newest.signature()).isNull()).isTrue();
		assertThat(rpc.result("getTransaction", newest.signature(), Map.of("commitment", "confirmed")).isNull())
			.isFalse();
		JsonNode error = rpc.call("getTransaction", newest.signature(), Map.of("commitment", "processed"))
			.get("error");
		assertThat(error.get("message").asString()).contains("commitment below `confirmed`");
	}

	@Test
	void listsSignaturesNewestFirstWithBeforeUntilAndLimit() throws Exception {
		String program = simulator.programId();
		JsonNode all = rpc.result("getSignaturesForAddress", program, Map.of("commitment", "confirmed"));
		List<String> expected = simulator.ledger().transactions().stream()
			.filter(t -> t.slot() <= simulator.ledger().slot() - 1)
			.map(LedgerTransaction::signature)
			.toList();
		assertThat(all).hasSize(expected.size());
		assertThat(all.get(0).get("signature").asString()).isEqualTo(expected.get(expected.size() - 1));
		for (String field : List.of("blockTime", "confirmationStatus", "err", "memo", "signature", "slot")) {
			assertThat(all.get(0).has(field)).as(field).isTrue();
		}

		JsonNode page = rpc.result("getSignaturesForAddress", program, Map.of("commitment", "confirmed", "limit", 10,
				"before", all.get(4).get("signature").asString(), "until", all.get(9).get("signature").asString()));
		assertThat(page).hasSize(4);
		assertThat(page.get(0).get("signature").asString()).isEqualTo(all.get(5).get("signature").asString());

		JsonNode error = rpc.call("getSignaturesForAddress", program, Map.of("limit", 1001)).get("error");
		assertThat(error.get("message").asString()).contains("max 1000");
	}

	@Test
	void readsAccountsOneByOneInHundredsAndByProgramWithFilters() throws Exception {
		String marketplace = simulator.workload().program().marketplaceAddress();
		JsonNode info = rpc.result("getAccountInfo", marketplace, Map.of("encoding", "base64"));
		JsonNode value = info.get("value");
		assertThat(value.get("owner").asString()).isEqualTo(simulator.programId());
		assertThat(value.get("data").get(1).asString()).isEqualTo("base64");
		assertThat(value.get("executable").asBoolean()).isFalse();
		assertThat(value.get("rentEpoch").bigIntegerValue()).isEqualTo(new java.math.BigInteger("18446744073709551615"));
		assertThat(value.get("space").asInt()).isEqualTo(Base64.getDecoder().decode(value.get("data").get(0).asString()).length);

		JsonNode sliced = rpc.result("getAccountInfo", marketplace,
				Map.of("encoding", "base64", "dataSlice", Map.of("offset", 0, "length", 8)));
		assertThat(Base64.getDecoder().decode(sliced.get("value").get("data").get(0).asString())).hasSize(8);

		JsonNode coupons = rpc.result("getProgramAccounts", simulator.programId(), Map.of("encoding", "base64",
				"withContext", true, "filters", List.of(Map.of("memcmp", Map.of("offset", 0, "bytes",
						Base58.encode(discriminator("Coupon")))))));
		assertThat(coupons.get("context").get("slot").asLong()).isPositive();
		assertThat(coupons.get("value").size()).isPositive();
		List<String> addresses = new ArrayList<>();
		coupons.get("value").forEach(entry -> addresses.add(entry.get("pubkey").asString()));

		JsonNode many = rpc.result("getMultipleAccounts", addresses.subList(0, Math.min(100, addresses.size())),
				Map.of("encoding", "base64"));
		assertThat(many.get("value")).hasSize(Math.min(100, addresses.size()));
		assertThat(many.get("value").get(0).get("owner").asString()).isEqualTo(simulator.programId());

		List<String> tooMany = new ArrayList<>();
		for (int i = 0; i < 101; i++) {
			tooMany.add(marketplace);
		}
		assertThat(rpc.call("getMultipleAccounts", tooMany).get("error").get("message").asString())
			.contains("max 100");

		int size = Base64.getDecoder().decode(coupons.get("value").get(0).get("account").get("data").get(0)
			.asString()).length;
		JsonNode bySize = rpc.result("getProgramAccounts", simulator.programId(),
				Map.of("filters", List.of(Map.of("dataSize", size))));
		assertThat(bySize.size()).isGreaterThanOrEqualTo(coupons.get("value").size());
	}

	@Test
	void answersBlocksWithSignaturesInBlockOrder() throws Exception {
		LedgerTransaction transaction = landed.get(7);
		JsonNode block = rpc.result("getBlock", transaction.slot(),
				Map.of("transactionDetails", "signatures", "rewards", false, "maxSupportedTransactionVersion", 0));
		assertThat(block.get("signatures").get(transaction.indexInBlock()).asString())
			.isEqualTo(transaction.signature());
		assertThat(block.get("parentSlot").asLong()).isEqualTo(transaction.slot() - 1);
		assertThat(block.has("rewards")).isFalse();
		assertThat(rpc.call("getBlock", simulator.ledger().slot() + 5).get("error").get("code").asInt())
			.isEqualTo(-32004);
	}

	@Test
	void answersBlockTimesAsTheBlocksAndTransactionsCarryThem() throws Exception {
		LedgerTransaction transaction = landed.get(7);
		assertThat(rpc.result("getBlockTime", transaction.slot()).asLong()).isEqualTo(transaction.blockTime())
			.isEqualTo(rpc.result("getBlock", transaction.slot(), Map.of("transactionDetails", "none"))
				.get("blockTime").asLong());
		assertThat(rpc.call("getBlockTime", simulator.ledger().slot() + 5).get("error").get("code").asInt())
			.as("not confirmed yet").isEqualTo(-32004);
	}

	@Test
	void answersBatchesAndProtocolErrors() throws Exception {
		String batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getSlot\"},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"noSuchMethod\"},{\"id\":3}]";
		JsonNode answers = RpcClient.JSON.readTree(rpc.post(batch).body());
		assertThat(answers).hasSize(3);
		assertThat(answers.get(0).get("result").isNumber()).isTrue();
		assertThat(answers.get(1).get("error").get("code").asInt()).isEqualTo(-32601);
		assertThat(answers.get(2).get("error").get("code").asInt()).isEqualTo(-32600);
		assertThat(RpcClient.JSON.readTree(rpc.post("{oops").body()).get("error").get("code").asInt())
			.isEqualTo(-32700);
		assertThat(simulator.metrics().calls("getSlot")).isPositive();
	}

	private static byte[] discriminator(String account) {
		return simulator.workload().program().idl().accounts().stream().filter(a -> a.name().equals(account))
			.findFirst().orElseThrow().discriminator().bytes();
	}
}
