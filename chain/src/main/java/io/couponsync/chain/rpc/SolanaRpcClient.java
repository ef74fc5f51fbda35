package io.couponsync.chain.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.couponsync.chain.Base58;
import io.couponsync.chain.RedactedUrl;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A thin Solana JSON-RPC client over the JDK's HTTP client: single calls and JSON-RPC batches, batched to the
 * protocol's limits by the typed methods (256 signature statuses, 100 accounts per call), which parse each answer
 * once into records ({@link SignatureStatus}, {@link ListedSignature}, {@link FetchedTransaction},
 * {@link BlockSignatures}, {@link AccountRead}): JSON stays here. HTTP 429, 5xx and
 * timeouts are retried with exponential backoff and full jitter, never sooner than a Retry-After header asks;
 * every other failure fails fast with the method and the reason. A request-rate ceiling spaces requests. A response
 * body larger than {@code maxResponseBytes} is not read (a broken or hostile endpoint cannot exhaust memory), and the
 * endpoint appears in messages only as {@link RedactedUrl}, since providers put API keys in the URL.
 *
 * <p>
 * why not solanaj's RpcApi: it sends no JSON-RPC batches and hides the HTTP status and Retry-After, which
 * batching to the limits and polite backoff both need.
 */
public final class SolanaRpcClient {

	public static final int MAX_SIGNATURE_STATUSES = 256;

	/** The largest request body a node accepts: Agave's {@code MAX_REQUEST_BODY_SIZE}, 50 KiB. */
	public static final int MAX_REQUEST_BYTES = 50 * 1024;

	public static final int MAX_MULTIPLE_ACCOUNTS = 100;

	public static final int MAX_SIGNATURES_PAGE = 1000;

	/**
	 * JSON-RPC error codes worth another attempt: node unhealthy or behind (-32005), block status not available yet
	 * (-32014), minimum context slot not reached (-32016), long-term storage not answering (-32019, "please try
	 * again"), and rate limits some providers report in the body.
	 */
	private static final Set<Integer> TRANSIENT_CODES = Set.of(-32005, -32014, -32016, -32019, 429, -32429);

	/** getBlock error code for a block the node does not have yet (not confirmed there yet). */
	private static final int BLOCK_NOT_AVAILABLE_YET = -32004;

	/** getBlock error codes for a block the node will never give: cleaned up, skipped, missing in long-term storage. */
	private static final Set<Integer> BLOCK_GONE_CODES = Set.of(-32001, -32007, -32009);

	/**
	 * @param maxAttempts attempts of one request before giving up (1 = no retry)
	 * @param initialBackoff the first retry delay, doubled per attempt up to {@code maxBackoff}
	 * @param requestsPerSecond the request-rate ceiling; 0 = none
	 * @param batchSize the most calls one JSON-RPC batch carries (e.g. getTransaction)
	 * @param maxResponseBytes the largest response body read; a larger one fails the call
	 */
	public record Options(URI url, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
			double requestsPerSecond, Duration timeout, int batchSize, long maxResponseBytes) {

		/** 64 MiB: far above any answer of the protocol's limits, far below a JVM's heap. */
		public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;

		public static Options defaults(URI url) {
			return new Options(url, 6, Duration.ofMillis(250), Duration.ofSeconds(30), 0, Duration.ofSeconds(30), 50,
					DEFAULT_MAX_RESPONSE_BYTES);
		}
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Options options;

	private final RpcCallObserver observer;

	private final RequestRateLimiter limiter;

	private final HttpClient http;

	private final java.util.function.Consumer<Duration> sleeper;

	public SolanaRpcClient(Options options, RpcCallObserver observer) {
		this(options, observer, SolanaRpcClient::sleep);
	}

	/** With a sleeper of the caller's, which tests use to see the backoff delays without waiting them. */
	public SolanaRpcClient(Options options, RpcCallObserver observer, java.util.function.Consumer<Duration> sleeper) {
		this(options, observer, new RequestRateLimiter(options.requestsPerSecond()),
				HttpClient.newBuilder().connectTimeout(options.timeout()).build(), sleeper);
	}

	private SolanaRpcClient(Options options, RpcCallObserver observer, RequestRateLimiter limiter, HttpClient http,
			java.util.function.Consumer<Duration> sleeper) {
		this.options = options;
		this.observer = observer;
		this.limiter = limiter;
		this.http = http;
		this.sleeper = sleeper;
	}

	/**
	 * This client making one attempt per request, given up after {@code timeout} at most, for calls whose caller has
	 * a fallback and should not wait out retries or a hung endpoint. It shares the request-rate ceiling, so the two
	 * together stay under it.
	 */
	public SolanaRpcClient withoutRetries(Duration timeout) {
		Duration shorter = timeout.compareTo(options.timeout()) < 0 ? timeout : options.timeout();
		Options once = new Options(options.url(), 1, options.initialBackoff(), options.maxBackoff(),
				options.requestsPerSecond(), shorter, options.batchSize(), options.maxResponseBytes());
		return new SolanaRpcClient(once, observer, limiter, http, sleeper);
	}

	/** One call; its {@code result}. */
	public JsonNode call(String method, Object... params) {
		ObjectNode request = request(1, method, List.of(params));
		JsonNode response = send(method, 1, request);
		return result(method, response);
	}

	/**
	 * Several calls of one method in JSON-RPC batches of at most {@code batchSize} (and 50 KiB); results in order, an
	 * error answer to any call failing the whole.
	 */
	public List<JsonNode> batch(String method, List<List<Object>> paramsPerCall) {
		List<JsonNode> results = new ArrayList<>(paramsPerCall.size());
		for (JsonNode answer : batchAnswers(method, paramsPerCall)) {
			results.add(result(method, answer));
		}
		return results;
	}

	/** Each call's whole answer (result or error), in the order of the calls. */
	private List<JsonNode> batchAnswers(String method, List<List<Object>> paramsPerCall) {
		List<JsonNode> answers = new ArrayList<>(paramsPerCall.size());
		int from = 0;
		while (from < paramsPerCall.size()) {
			ArrayNode requests = JSON.createArrayNode();
			// why: a node refuses a request body over its limit (Agave: 50 KiB, HTTP 413) whatever the batch size
			// configured, so a batch also ends where its body would outgrow that
			int bytes = 2;
			while (from + requests.size() < paramsPerCall.size() && requests.size() < options.batchSize()) {
				ObjectNode request = request(requests.size(), method, paramsPerCall.get(from + requests.size()));
				int size = request.toString().length() + 1;
				if (!requests.isEmpty() && bytes + size > MAX_REQUEST_BYTES) {
					break;
				}
				requests.add(request);
				bytes += size;
			}
			JsonNode responses = send(method, requests.size(), requests);
			if (!responses.isArray()) {
				throw new RpcException(method + " batch answered " + abbreviate(responses.toString()), 0, null);
			}
			JsonNode[] ordered = new JsonNode[requests.size()];
			for (JsonNode response : responses) {
				int id = response.path("id").asInt(-1);
				if (id < 0 || id >= ordered.length) {
					throw new RpcException(method + " batch answered an unknown id " + response.path("id"), 0, null);
				}
				ordered[id] = response;
			}
			for (int id = 0; id < ordered.length; id++) {
				// why: a call left out of the answer is not a call answered null ("no such transaction")
				if (ordered[id] == null) {
					throw new RpcException(method + " batch of " + ordered.length + " left call " + id
							+ " unanswered", 0, null);
				}
				answers.add(ordered[id]);
			}
			from += requests.size();
		}
		return answers;
	}

	// ---- typed calls, batched to the protocol's limits ----

	public long getSlot(String commitment) {
		JsonNode slot = call("getSlot", Map.of("commitment", commitment));
		if (!slot.isIntegralNumber()) {
			throw malformed("getSlot", "a slot", slot);
		}
		return slot.asLong();
	}

	/**
	 * One page, newest first, strictly before {@code before} and down to (excluding) {@code until}; an entry naming
	 * no confirmation status is taken to be at {@code commitment}, which the call vouches for.
	 */
	public List<ListedSignature> getSignaturesForAddress(String address, String before, String until, int limit,
			String commitment) {
		return getSignaturesForAddress(address, before, until, limit, commitment, 0);
	}

	/**
	 * As {@link #getSignaturesForAddress(String, String, String, int, String)}, answered only by a node that has
	 * reached {@code minContextSlot} (0: any): one behind it would not know a {@code before} at that slot and answer
	 * an empty page, which reads as the end of history; it answers -32016 instead, which is retried.
	 */
	public List<ListedSignature> getSignaturesForAddress(String address, String before, String until, int limit,
			String commitment, long minContextSlot) {
		Map<String, Object> config = new java.util.LinkedHashMap<>();
		if (minContextSlot > 0) {
			config.put("minContextSlot", minContextSlot);
		}
		config.put("limit", Math.min(limit, MAX_SIGNATURES_PAGE));
		config.put("commitment", commitment);
		if (before != null) {
			config.put("before", before);
		}
		if (until != null) {
			config.put("until", until);
		}
		JsonNode entries = call("getSignaturesForAddress", address, config);
		if (!entries.isArray()) {
			throw malformed("getSignaturesForAddress", "an array of entries", entries);
		}
		ConfirmationStatus listedAt = ConfirmationStatus.atLeast(commitment);
		List<ListedSignature> page = new ArrayList<>(entries.size());
		entries.forEach(entry -> page.add(ListedSignature.of(entry, listedAt)));
		return page;
	}

	/** Statuses in order (null for a signature the cluster does not know), one call per 256 signatures. */
	public List<SignatureStatus> getSignatureStatuses(List<String> signatures, boolean searchTransactionHistory) {
		return signatureStatuses(signatures, searchTransactionHistory).statuses();
	}

	/**
	 * As {@link #getSignatureStatuses}, with the lowest context slot of the answers: the slot the answering node had
	 * reached, which says whether its "unknown" (null) can mean anything for a transaction at a given slot.
	 */
	public SignatureStatuses signatureStatuses(List<String> signatures, boolean searchTransactionHistory) {
		List<SignatureStatus> statuses = new ArrayList<>(signatures.size());
		long contextSlot = Long.MAX_VALUE;
		for (int from = 0; from < signatures.size(); from += MAX_SIGNATURE_STATUSES) {
			List<String> asked = signatures.subList(from, Math.min(signatures.size(), from + MAX_SIGNATURE_STATUSES));
			JsonNode answer = call("getSignatureStatuses", asked,
					Map.of("searchTransactionHistory", searchTransactionHistory));
			values("getSignatureStatuses", answer, asked.size()).forEach(status -> statuses.add(SignatureStatus.of(status)));
			contextSlot = Math.min(contextSlot, answer.path("context").path("slot").asLong(-1));
		}
		return new SignatureStatuses(statuses, contextSlot == Long.MAX_VALUE ? -1 : contextSlot);
	}

	/**
	 * @param statuses in the order asked, null for a signature the node does not know
	 * @param contextSlot the lowest context slot the answers named; -1 when none did
	 */
	public record SignatureStatuses(List<SignatureStatus> statuses, long contextSlot) {
	}

	/** Transactions in order (null when the node has none), json encoding with inner instructions, batched. */
	public List<FetchedTransaction> getTransactions(List<String> signatures, String commitment) {
		List<List<Object>> calls = new ArrayList<>(signatures.size());
		for (String signature : signatures) {
			calls.add(List.of(signature, Map.of("encoding", "json", "maxSupportedTransactionVersion", 0,
					"commitment", commitment)));
		}
		List<FetchedTransaction> transactions = new ArrayList<>(signatures.size());
		batch("getTransaction", calls).forEach(result -> transactions.add(FetchedTransaction.of(result)));
		return transactions;
	}

	/**
	 * Each slot's transaction signatures in block order (null for a slot that was skipped or whose block the node
	 * does not have), transactionDetails signatures, batched.
	 */
	public List<BlockSignatures> getBlockSignatures(List<Long> slots, String commitment) {
		List<List<Object>> calls = new ArrayList<>(slots.size());
		for (Long slot : slots) {
			calls.add(List.of(slot, Map.of("transactionDetails", "signatures", "rewards", false,
					"maxSupportedTransactionVersion", 0, "commitment", commitment)));
		}
		List<JsonNode> answers = batchAnswers("getBlock", calls);
		List<BlockSignatures> signatures = new ArrayList<>(answers.size());
		for (int i = 0; i < answers.size(); i++) {
			JsonNode error = answers.get(i).path("error");
			int code = error.path("code").asInt(0);
			if (code == BLOCK_NOT_AVAILABLE_YET) {
				signatures.add(null);
			}
			else if (BLOCK_GONE_CODES.contains(code)) {
				signatures.add(BlockSignatures.unavailable(slots.get(i),
						error.path("message").asString("code " + code) + " (code " + code + ")"));
			}
			else {
				signatures.add(BlockSignatures.of(slots.get(i), result("getBlock", answers.get(i))));
			}
		}
		return signatures;
	}

	/**
	 * The block time (seconds since the epoch) of each slot the node gives one for, batched: a slot whose block it
	 * does not give (not yet, or for good: skipped, cleaned up) or whose time it does not know is left out. Another
	 * error fails the call.
	 */
	public Map<Long, Long> getBlockTimes(List<Long> slots) {
		List<List<Object>> calls = new ArrayList<>(slots.size());
		slots.forEach(slot -> calls.add(List.of(slot)));
		List<JsonNode> answers = batchAnswers("getBlockTime", calls);
		Map<Long, Long> times = new java.util.LinkedHashMap<>();
		for (int i = 0; i < answers.size(); i++) {
			int code = answers.get(i).path("error").path("code").asInt(0);
			if (code == BLOCK_NOT_AVAILABLE_YET || BLOCK_GONE_CODES.contains(code)) {
				continue;
			}
			JsonNode time = result("getBlockTime", answers.get(i));
			if (time.isIntegralNumber()) {
				times.put(slots.get(i), time.asLong());
			}
		}
		return times;
	}

	/**
	 * Accounts in order, base64, one call per 100 addresses, each labelled with the context slot of the answer that
	 * carried it (never a separate getSlot, which a load balancer may answer from another node); {@code
	 * minContextSlot} (0 = none) keeps a lagging node from answering with older state.
	 */
	public List<AccountRead> readAccounts(List<String> addresses, String commitment, long minContextSlot) {
		List<AccountRead> accounts = new ArrayList<>(addresses.size());
		Map<String, Object> config = new java.util.LinkedHashMap<>(Map.of("encoding", "base64", "commitment", commitment));
		if (minContextSlot > 0) {
			config.put("minContextSlot", minContextSlot);
		}
		for (int from = 0; from < addresses.size(); from += MAX_MULTIPLE_ACCOUNTS) {
			List<String> asked = addresses.subList(from, Math.min(addresses.size(), from + MAX_MULTIPLE_ACCOUNTS));
			JsonNode answer = call("getMultipleAccounts", asked, config);
			long slot = answer.path("context").path("slot").asLong();
			values("getMultipleAccounts", answer, asked.size())
				.forEach(value -> accounts.add(new AccountRead(AccountInfo.of(value), slot)));
		}
		return accounts;
	}

	/** A program's accounts as read at one slot. */
	public record ProgramAccounts(long slot, List<ProgramAccount> accounts) {
	}

	/**
	 * The program's accounts whose data starts with {@code prefix} (an Anchor account discriminator: one account
	 * type), base64, with the slot they were read at. One call: the protocol has no paging.
	 */
	public ProgramAccounts getProgramAccounts(String programId, byte[] prefix, String commitment) {
		Map<String, Object> memcmp = Map.of("memcmp", Map.of("offset", 0, "bytes", Base58.encode(prefix)));
		JsonNode answer = call("getProgramAccounts", programId, Map.of("encoding", "base64", "commitment", commitment,
				"withContext", true, "filters", List.of(memcmp)));
		List<ProgramAccount> accounts = new ArrayList<>();
		values("getProgramAccounts", answer, -1).forEach(entry -> accounts.add(ProgramAccount.of(entry)));
		return new ProgramAccounts(answer.path("context").path("slot").asLong(), accounts);
	}

	/** The addresses of a program's accounts of one type, and the slot they were listed at. */
	public record ProgramAccountKeys(long slot, List<String> addresses) {
	}

	/**
	 * The addresses of the program's accounts whose data starts with {@code prefix} (an account type's
	 * discriminator), listed with a zero-length {@code dataSlice}: keys only, so a type of a million accounts costs
	 * tens of megabytes rather than its data. {@code minContextSlot} (0 = none) keeps a lagging node from listing an
	 * older state.
	 */
	public ProgramAccountKeys listProgramAccountKeys(String programId, byte[] prefix, String commitment,
			long minContextSlot) {
		Map<String, Object> config = new java.util.LinkedHashMap<>();
		config.put("encoding", "base64");
		config.put("commitment", commitment);
		config.put("withContext", true);
		config.put("dataSlice", Map.of("offset", 0, "length", 0));
		config.put("filters", List.of(Map.of("memcmp", Map.of("offset", 0, "bytes", Base58.encode(prefix)))));
		if (minContextSlot > 0) {
			config.put("minContextSlot", minContextSlot);
		}
		JsonNode answer = call("getProgramAccounts", programId, config);
		JsonNode value = values("getProgramAccounts", answer, -1);
		List<String> addresses = new ArrayList<>(value.size());
		value.forEach(account -> addresses.add(account.path("pubkey").asString()));
		return new ProgramAccountKeys(answer.path("context").path("slot").asLong(), addresses);
	}

	// ---- transport ----

	private static ObjectNode request(int id, String method, List<?> params) {
		ObjectNode request = JSON.createObjectNode();
		request.put("jsonrpc", "2.0");
		request.put("id", id);
		request.put("method", method);
		request.set("params", JSON.valueToTree(params));
		return request;
	}

	private JsonNode send(String method, int calls, JsonNode body) {
		String payload = body.toString();
		for (int attempt = 1;; attempt++) {
			limiter.acquire(calls);
			observer.called(method, calls);
			Duration retryAfter = null;
			String failure;
			boolean unreachable = false;
			try {
				HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(options.url())
					.timeout(options.timeout()).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofInputStream());
				int status = response.statusCode();
				byte[] answerBody = readBody(method, response);
				if (status == 200) {
					JsonNode answer = JSON.readTree(answerBody);
					JsonNode transientError = transientError(answer);
					if (transientError == null) {
						return answer;
					}
					failure = "JSON-RPC error " + transientError.path("code").asInt() + ": "
							+ transientError.path("message").asString("?");
				}
				else if (status != 429 && status < 500) {
					throw new RpcException(method + " answered HTTP " + status + ": "
							+ abbreviate(new String(answerBody, StandardCharsets.UTF_8)), status, null);
				}
				else {
					if (status == 429) {
						observer.throttled(method);
					}
					retryAfter = response.headers().firstValue("Retry-After").map(SolanaRpcClient::seconds)
						.orElse(null);
					failure = "HTTP " + status;
				}
			}
			catch (HttpConnectTimeoutException ex) {
				failure = "connect timed out after " + options.timeout().toMillis() + " ms";
				unreachable = true;
			}
			catch (HttpTimeoutException ex) {
				failure = "timed out after " + options.timeout().toMillis() + " ms";
			}
			catch (IOException ex) {
				failure = transportFailure(ex);
				unreachable = isUnreachable(ex);
			}
			catch (JacksonException ex) {
				throw new RpcException(method + " answered something that is not JSON: " + ex.getOriginalMessage(), 0,
						ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new RpcException(method + " interrupted", 0, ex);
			}
			observer.failed(method);
			if (attempt >= options.maxAttempts()) {
				String attempts = attempt + (attempt == 1 ? " attempt" : " attempts");
				throw new RpcException(unreachable
						? "cannot reach the Solana RPC at " + RedactedUrl.of(options.url()) + ": " + failure + " ("
								+ method + ", " + attempts + ")"
						: method + " failed " + attempt + " times, last: " + failure, 0, null);
			}
			sleeper.accept(backoff(attempt, retryAfter));
		}
	}

	/**
	 * The body, read only up to {@code maxResponseBytes}: a declared length over the limit is refused unread, and an
	 * undeclared (chunked) one is cut off one byte past it.
	 */
	private byte[] readBody(String method, HttpResponse<InputStream> response) throws IOException {
		long limit = options.maxResponseBytes();
		try (InputStream body = response.body()) {
			long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
			if (declared > limit) {
				throw tooLarge(method, ", " + declared + " bytes declared");
			}
			byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
			if (bytes.length > limit) {
				throw tooLarge(method, "");
			}
			return bytes;
		}
	}

	private RpcException tooLarge(String method, String declared) {
		// why: not retried; the same call would meet the same answer
		return new RpcException(method + ": the response body from " + RedactedUrl.of(options.url())
				+ " exceeds the limit of " + size(options.maxResponseBytes()) + " (sync.solana.max-response-size)"
				+ declared, 0, null);
	}

	/** Nothing reached the endpoint: refused, unknown host, unroutable. */
	private static boolean isUnreachable(IOException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException
					|| cause instanceof UnknownHostException) {
				return true;
			}
		}
		return false;
	}

	/** A transport failure in a few words; the JDK's connection refused has no message at all. */
	private static String transportFailure(IOException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
				return "unknown host";
			}
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				String message = cause.getMessage();
				return message == null || message.toLowerCase(Locale.ROOT).contains("refused")
						? "connection refused" : message;
			}
		}
		return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
	}

	private static String size(long bytes) {
		if (bytes % (1L << 20) == 0) {
			return (bytes >> 20) + " MiB";
		}
		if (bytes % 1024 == 0) {
			return (bytes >> 10) + " KiB";
		}
		return bytes + " bytes";
	}

	/**
	 * The first error in an answer (single or batch) that a later attempt may not meet — the node behind or not
	 * caught up with the asked context slot, a block status not available yet, a rate limit reported inside the
	 * JSON — or null. Reads are idempotent, so a batch is simply sent again.
	 */
	private static JsonNode transientError(JsonNode answer) {
		if (answer.isArray()) {
			for (JsonNode single : answer) {
				JsonNode error = transientError(single);
				if (error != null) {
					return error;
				}
			}
			return null;
		}
		JsonNode error = answer.path("error");
		return error.isObject() && TRANSIENT_CODES.contains(error.path("code").asInt()) ? error : null;
	}

	private Duration backoff(int attempt, Duration retryAfter) {
		long cap = Math.min(options.maxBackoff().toMillis(), options.initialBackoff().toMillis() << Math.min(attempt - 1, 20));
		long jittered = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
		return retryAfter != null && retryAfter.toMillis() > jittered ? retryAfter : Duration.ofMillis(jittered);
	}

	private static Duration seconds(String value) {
		try {
			return Duration.ofSeconds(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RpcException("interrupted while backing off", 0, ex);
		}
	}

	private static JsonNode result(String method, JsonNode response) {
		JsonNode error = response.get("error");
		if (error != null && !error.isNull()) {
			throw new RpcException(method + " failed: " + error.path("message").asString("?") + " (code "
					+ error.path("code").asInt() + ")", error.path("code").asInt(), null);
		}
		// why: null is an answer ("no such transaction"); an absent result is not, and would be read as one
		if (!response.has("result")) {
			throw malformed(method, "a result or an error", response);
		}
		return response.get("result");
	}

	/** The {@code value} array of a context-wrapped answer, of {@code expected} entries (-1: any number). */
	private static JsonNode values(String method, JsonNode answer, int expected) {
		JsonNode value = answer.path("value");
		if (!value.isArray() || (expected >= 0 && value.size() != expected)) {
			// why: entries are matched to what was asked by position; a short list would pair them wrongly
			throw malformed(method, expected >= 0 ? "a value array of " + expected + " entries" : "a value array", answer);
		}
		return value;
	}

	private static RpcException malformed(String method, String expected, JsonNode answer) {
		return new RpcException(method + " answered without " + expected + ": "
				+ abbreviate(String.valueOf(answer)), 0, null);
	}

	private static String abbreviate(String text) {
		return text.length() > 200 ? text.substring(0, 200) + "..." : text;
	}
}
