package io.couponsync.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;

/**
 * The typed results, parsed from answers shaped as the Solana JSON-RPC documentation gives them
 * (https://solana.com/docs/rpc/http), served by a stub HTTP endpoint: the parts the jobs rely on, and the edge
 * cases a real node answers with (unknown signatures, absent blocks and accounts, entries without a status).
 */
class SolanaRpcClientResultsTest {

	/** Well-formed signatures: 64 bytes in base58. */
	private static final String S1 = signature(1);

	private static final String S2 = signature(2);

	private static final String SIG = signature(3);

	private volatile String answer;

	private static String signature(int fill) {
		byte[] bytes = new byte[64];
		Arrays.fill(bytes, (byte) fill);
		return Base58.encode(bytes);
	}

	private StubRpcEndpoint endpoint;

	@BeforeEach
	void start() {
		endpoint = StubRpcEndpoint.start(request -> new StubRpcEndpoint.Answer(200, answer.getBytes(StandardCharsets.UTF_8)));
	}

	@AfterEach
	void stop() {
		endpoint.close();
	}

	private SolanaRpcClient client() {
		return new SolanaRpcClient(SolanaRpcClient.Options.defaults(URI.create(endpoint.url())), RpcCallObserver.NONE,
				delay -> {
				});
	}

	private static String result(String result) {
		return "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}";
	}

	@Test
	void signatureStatusesAreNullForUnknownSignaturesAndProcessedWithoutAStatus() {
		answer = result("{\"context\":{\"slot\":90},\"value\":[{\"slot\":72,\"confirmations\":null,\"err\":null,"
				+ "\"confirmationStatus\":\"finalized\"},null,{\"slot\":88,\"confirmations\":2,\"err\":null,"
				+ "\"confirmationStatus\":\"confirmed\"},{\"slot\":89,\"confirmations\":0,\"err\":null}]}");

		List<SignatureStatus> statuses = client().getSignatureStatuses(List.of("a", "b", "c", "d"), true);

		assertThat(statuses).containsExactly(new SignatureStatus(72, ConfirmationStatus.FINALIZED), null,
				new SignatureStatus(88, ConfirmationStatus.CONFIRMED),
				new SignatureStatus(89, ConfirmationStatus.PROCESSED));
		assertThat(statuses.get(2).confirmationStatus().confirmed()).isTrue();
		assertThat(statuses.get(3).confirmationStatus().confirmed()).isFalse();
	}

	@Test
	void anAnswerOfTheWrongShapeIsAnErrorSayingWhatItLacked() {
		answer = "{\"jsonrpc\":\"2.0\",\"id\":1}";
		assertThatThrownBy(() -> client().getSlot("confirmed")).isInstanceOf(RpcException.class)
			.hasMessageStartingWith("getSlot answered without a result or an error");

		answer = result("\"soon\"");
		assertThatThrownBy(() -> client().getSlot("confirmed")).isInstanceOf(RpcException.class)
			.hasMessageStartingWith("getSlot answered without a slot: \"soon\"");

		answer = result("{\"context\":{\"slot\":90},\"value\":[null]}");
		assertThatThrownBy(() -> client().getSignatureStatuses(List.of(S1, S2), false)).as("one status for two")
			.isInstanceOf(RpcException.class)
			.hasMessageStartingWith("getSignatureStatuses answered without a value array of 2 entries");

		answer = result("{\"context\":{\"slot\":90}}");
		assertThatThrownBy(() -> client().readAccounts(List.of("a"), "confirmed", 0)).isInstanceOf(RpcException.class)
			.hasMessageStartingWith("getMultipleAccounts answered without a value array of 1 entries");

		answer = result("{\"error\":\"not a list\"}");
		assertThatThrownBy(() -> client().getSignaturesForAddress("program", null, null, 10, "confirmed"))
			.isInstanceOf(RpcException.class).hasMessageStartingWith("getSignaturesForAddress answered without an array");
	}

	@Test
	void listedSignaturesCarryFailureAndTakeTheAskedCommitmentWhenTheyNameNone() {
		answer = result("[{\"signature\":\"" + S1 + "\",\"slot\":114,\"err\":null,\"memo\":null,\"blockTime\":null,"
				+ "\"confirmationStatus\":\"confirmed\"},{\"signature\":\"" + S2 + "\",\"slot\":113,"
				+ "\"err\":{\"InstructionError\":[0,{\"Custom\":6001}]},\"memo\":null,\"blockTime\":null}]");

		List<ListedSignature> page = client().getSignaturesForAddress("program", null, null, 1000, "finalized");

		assertThat(page).containsExactly(new ListedSignature(S1, 114, false, ConfirmationStatus.CONFIRMED),
				new ListedSignature(S2, 113, true, ConfirmationStatus.FINALIZED));
	}

	@Test
	void aSignatureThatIsNotSixtyFourBytesOfBase58IsAnErrorNamingIt() {
		answer = result("[{\"signature\":\"" + S1 + "\",\"slot\":114,\"err\":null},{\"signature\":\"s2\",\"slot\":113,"
				+ "\"err\":null}]");
		assertThatThrownBy(() -> client().getSignaturesForAddress("program", null, null, 1000, "finalized"))
			.isInstanceOf(RpcException.class).hasMessageContaining("signature is not 64 bytes in base58: \"s2\"");

		answer = "[{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"slot\":430,\"transaction\":{\"signatures\":[\"0OIl\"],"
				+ "\"message\":{\"accountKeys\":[\"payer\"]}},\"meta\":{\"err\":null,\"logMessages\":[],"
				+ "\"innerInstructions\":[]}}}]";
		assertThatThrownBy(() -> client().getTransactions(List.of(SIG), "confirmed")).isInstanceOf(RpcException.class)
			.hasMessageContaining("signature is not 64 bytes in base58: 0OIl");
	}

	@Test
	void transactionsResolveInnerInstructionsThroughLoadedAddressesAndAreNullWhereTheNodeHasNone() {
		String data = Base58.encode(new byte[] { 1, 2, 3 });
		answer = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null},{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{"
				+ "\"slot\":430,\"blockTime\":1700000000,\"transaction\":{\"signatures\":[\"" + SIG + "\"],\"message\":{"
				+ "\"accountKeys\":[\"payer\",\"program\"]}},\"meta\":{\"err\":{\"InstructionError\":[0,\"Custom\"]},"
				+ "\"logMessages\":[\"Program program invoke [1]\"],\"loadedAddresses\":{\"writable\":[\"lookedUp\"],"
				+ "\"readonly\":[]},\"innerInstructions\":[{\"index\":0,\"instructions\":[{\"programIdIndex\":2,"
				+ "\"accounts\":[],\"data\":\"" + data + "\"}]}]}}}]";

		List<FetchedTransaction> transactions = client().getTransactions(List.of(SIG, "unknown"), "confirmed");

		assertThat(transactions).hasSize(2);
		assertThat(transactions.get(1)).isNull();
		FetchedTransaction fetched = transactions.get(0);
		assertThat(fetched.signature()).isEqualTo(SIG);
		assertThat(fetched.slot()).isEqualTo(430);
		assertThat(fetched.blockTime()).isEqualTo(1_700_000_000L);
		assertThat(fetched.logs()).containsExactly("Program program invoke [1]");
		assertThat(fetched.error()).isEqualTo(Document.parse("{\"InstructionError\":[0,\"Custom\"]}"));
		assertThat(fetched.innerInstructions()).singleElement().satisfies(inner -> {
			assertThat(inner.programId()).isEqualTo("lookedUp");
			assertThat(inner.data()).containsExactly(1, 2, 3);
		});
	}

	@Test
	void aTransactionAnsweredWithoutItsMetadataIsAnErrorNotATransactionWithoutEvents() {
		String transaction = "\"slot\":430,\"transaction\":{\"signatures\":[\"" + SIG + "\"],\"message\":{\"accountKeys\":[\"payer\"]}}";
		for (String meta : new String[] { "", ",\"meta\":null", ",\"meta\":{\"err\":null,\"innerInstructions\":[]}",
				",\"meta\":{\"err\":null,\"logMessages\":[],\"innerInstructions\":null}" }) {
			answer = "[{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{" + transaction + meta + "}}]";

			assertThatThrownBy(() -> client().getTransactions(List.of(SIG), "confirmed")).as(meta)
				.isInstanceOf(RpcException.class).hasMessageStartingWith("getTransaction answered " + SIG + " without meta")
				.hasMessageContaining("the node keeps no transaction metadata");
		}
	}

	@Test
	void blocksAreInBlockOrderNullWhereTheNodeHasNoneYetAndUnavailableWhereItWillNever() {
		answer = "[{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"signatures\":[\"b\",\"a\"],\"blockhash\":\"h\"}},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32007,\"message\":\"Slot 8 was skipped\"}},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32004,\"message\":\"Block not available for slot 9\"}},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32001,\"message\":\"Block 6 cleaned up\"}},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":null}]";

		List<BlockSignatures> blocks = client().getBlockSignatures(List.of(7L, 8L, 9L, 6L, 10L), "confirmed");

		assertThat(blocks).containsExactly(new BlockSignatures(7, List.of("b", "a")),
				BlockSignatures.unavailable(8, "Slot 8 was skipped (code -32007)"), null,
				BlockSignatures.unavailable(6, "Block 6 cleaned up (code -32001)"), null);
		assertThat(blocks.get(1).available()).isFalse();
	}

	@Test
	void blockTimesLeaveOutTheSlotsWhoseBlockOrTimeTheNodeDoesNotGive() {
		answer = "[{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":1764720000},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32007,\"message\":\"Slot 8 was skipped\"}},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32004,\"message\":\"Block not available for slot 9\"}},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":1764720001}]";

		assertThat(client().getBlockTimes(List.of(7L, 8L, 9L, 6L, 10L)))
			.containsExactly(java.util.Map.entry(7L, 1764720000L), java.util.Map.entry(10L, 1764720001L));

		answer = "[{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32602,\"message\":\"Invalid params\"}}]";
		assertThatThrownBy(() -> client().getBlockTimes(List.of(7L))).isInstanceOf(RpcException.class)
			.hasMessageContaining("getBlockTime failed: Invalid params");
	}

	@Test
	void accountsCarryTheContextSlotOfTheirAnswerAndDecodedData() {
		answer = result("{\"context\":{\"slot\":341},\"value\":[{\"data\":[\"AQID\",\"base64\"],\"executable\":false,"
				+ "\"lamports\":1,\"owner\":\"program\",\"rentEpoch\":0,\"space\":3},null]}");

		List<AccountRead> reads = client().readAccounts(List.of("a", "b"), "confirmed", 0);

		assertThat(reads).hasSize(2).allSatisfy(read -> assertThat(read.contextSlot()).isEqualTo(341));
		assertThat(reads.get(0).account().owner()).isEqualTo("program");
		assertThat(reads.get(0).account().data()).containsExactly(1, 2, 3);
		assertThat(reads.get(1).exists()).isFalse();
	}

	@Test
	void anAccountWhoseDataIsNotBase64FailsTheCallSayingSo() {
		answer = result("{\"context\":{\"slot\":1},\"value\":[{\"data\":[\"!!\",\"base64\"],\"owner\":\"p\"}]}");

		assertThatThrownBy(() -> client().readAccounts(List.of("a"), "confirmed", 0)).isInstanceOf(RpcException.class)
			.hasMessageContaining("not base64");
	}
}
