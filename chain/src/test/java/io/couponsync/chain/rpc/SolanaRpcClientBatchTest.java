package io.couponsync.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Batches against a stub node that, like Agave, answers HTTP 413 to a request body over 50 KiB and otherwise
 * answers each call of a batch with its first parameter: the client keeps every body within the limit whatever
 * the configured batch size, and a call the answer leaves out is an error, not a null result.
 */
class SolanaRpcClientBatchTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<Integer> bodySizes = new CopyOnWriteArrayList<>();

	private final AtomicInteger storageErrorsLeft = new AtomicInteger();

	private volatile boolean dropLastAnswer;

	private StubRpcEndpoint endpoint;

	@BeforeEach
	void start() {
		endpoint = StubRpcEndpoint.start(request -> {
			bodySizes.add(request.length);
			if (request.length > SolanaRpcClient.MAX_REQUEST_BYTES) {
				return new StubRpcEndpoint.Answer(413, "Payload Too Large".getBytes(StandardCharsets.UTF_8));
			}
			return new StubRpcEndpoint.Answer(200, JSON.writeValueAsBytes(answer(JSON.readTree(request))));
		});
	}

	@AfterEach
	void stop() {
		endpoint.close();
	}

	private JsonNode answer(JsonNode calls) {
		ArrayNode answers = JSON.createArrayNode();
		for (JsonNode call : calls) {
			ObjectNode answer = answers.addObject().put("jsonrpc", "2.0").set("id", call.get("id"));
			if (storageErrorsLeft.getAndDecrement() > 0) {
				answer.putObject("error").put("code", -32019).put("message",
						"Failed to query long-term storage; please try again");
			}
			else {
				answer.set("result", call.path("params").path(0));
			}
		}
		if (dropLastAnswer) {
			answers.remove(answers.size() - 1);
		}
		return answers;
	}

	private SolanaRpcClient client(int batchSize) {
		SolanaRpcClient.Options defaults = SolanaRpcClient.Options.defaults(URI.create(endpoint.url()));
		return new SolanaRpcClient(new SolanaRpcClient.Options(defaults.url(), 3, defaults.initialBackoff(),
				defaults.maxBackoff(), 0, Duration.ofSeconds(5), batchSize, defaults.maxResponseBytes()),
				RpcCallObserver.NONE, delay -> {
				});
	}

	private static List<List<Object>> signatures(int count) {
		List<List<Object>> calls = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String signature = String.format("%088d", i);
			calls.add(List.of(signature, java.util.Map.of("encoding", "json", "maxSupportedTransactionVersion", 0)));
		}
		return calls;
	}

	@Test
	void keepsEveryBatchBodyWithinTheNodesLimitWhateverTheBatchSize() {
		List<JsonNode> results = client(1000).batch("getTransaction", signatures(1000));

		assertThat(results).hasSize(1000);
		for (int i = 0; i < results.size(); i++) {
			assertThat(results.get(i).asString()).isEqualTo(String.format("%088d", i));
		}
		assertThat(bodySizes).as("split by size, each full").hasSizeGreaterThan(1).hasSizeLessThan(6)
			.allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(SolanaRpcClient.MAX_REQUEST_BYTES));
	}

	@Test
	void aCallTheAnswerLeavesOutIsAnErrorNotANullResult() {
		dropLastAnswer = true;

		assertThatThrownBy(() -> client(50).batch("getTransaction", signatures(10))).isInstanceOf(RpcException.class)
			.hasMessage("getTransaction batch of 10 left call 9 unanswered");
	}

	@Test
	void retriesWhenLongTermStorageAsksToTryAgain() {
		storageErrorsLeft.set(1);

		assertThat(client(50).batch("getTransaction", signatures(3))).hasSize(3);
		assertThat(bodySizes).as("asked again").hasSize(2);
	}
}
