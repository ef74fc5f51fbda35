package io.couponsync.simulator.rpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

import io.couponsync.chain.Base58;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static io.couponsync.simulator.rpc.JsonShapes.NODES;


/** The HTTP JSON-RPC methods, over the ledger, with the real RPC's limits and error answers. */
final class RpcMethods {

	static final int MAX_SIGNATURE_STATUSES = 256;

	static final int MAX_MULTIPLE_ACCOUNTS = 100;

	static final int MAX_SIGNATURES_LIMIT = 1000;

	private final Ledger ledger;

	private final Faults faults;

	RpcMethods(Ledger ledger, Faults faults) {
		this.ledger = ledger;
		this.faults = faults;
	}

	JsonNode call(String method, JsonNode params) {
		return switch (method) {
			case "getHealth" -> NODES.stringNode("ok");
			case "getVersion" -> version();
			case "getSlot" -> NODES.numberNode(ledger.slot(commitment(config(params, 0), Commitment.FINALIZED)));
			case "getBlockHeight" -> NODES.numberNode(ledger.slot(commitment(config(params, 0), Commitment.FINALIZED)));
			case "getLatestBlockhash" -> latestBlockhash(params);
			case "getSignatureStatuses" -> signatureStatuses(params);
			case "getTransaction" -> transaction(params);
			case "getSignaturesForAddress" -> signaturesForAddress(params);
			case "getAccountInfo" -> accountInfo(params);
			case "getMultipleAccounts" -> multipleAccounts(params);
			case "getProgramAccounts" -> programAccounts(params);
			case "getBlock" -> block(params);
			case "getBlockTime" -> blockTime(params);
			default -> throw new RpcException(RpcException.METHOD_NOT_FOUND, "Method not found");
		};
	}

	private static ObjectNode version() {
		ObjectNode version = NODES.objectNode();
		version.put("feature-set", 3_294_202_862L);
		version.put("solana-core", JsonShapes.API_VERSION);
		return version;
	}

	private JsonNode latestBlockhash(JsonNode params) {
		long slot = ledger.slot(commitment(config(params, 0), Commitment.FINALIZED));
		ObjectNode value = NODES.objectNode();
		value.put("blockhash", ledger.blockhash(slot));
		value.put("lastValidBlockHeight", slot + 150);
		return JsonShapes.withContext(slot, value);
	}

	private JsonNode signatureStatuses(JsonNode params) {
		JsonNode signatures = required(params, 0, "signatures");
		if (!signatures.isArray()) {
			throw invalidParams("Invalid params: expected an array of signatures");
		}
		if (signatures.size() > MAX_SIGNATURE_STATUSES) {
			throw invalidParams("Too many inputs provided; max " + MAX_SIGNATURE_STATUSES);
		}
		boolean searchHistory = config(params, 1).path("searchTransactionHistory").asBoolean(false);
		long tip = Math.max(0, ledger.slot() - faults.statusLagSlots());
		ArrayNode value = NODES.arrayNode();
		for (JsonNode signature : signatures) {
			LedgerTransaction transaction = ledger.transaction(signature(signature.asString()));
			if (transaction != null && transaction.slot() > tip) {
				transaction = null;
			}
			Commitment commitment = transaction == null ? null : ledger.commitmentOf(transaction);
			boolean inStatusCache = transaction != null
					&& tip - transaction.slot() <= ledger.config().statusCacheSlots();
			if (commitment == null || (!searchHistory && !inStatusCache)) {
				value.addNull();
			}
			else {
				value.add(JsonShapes.signatureStatus(transaction, commitment, tip));
			}
		}
		return JsonShapes.withContext(tip, value);
	}

	private JsonNode transaction(JsonNode params) {
		String signature = signature(required(params, 0, "signature").asString());
		JsonNode config = config(params, 1);
		Commitment commitment = atLeastConfirmed(config);
		String encoding = config.path("encoding").asString("json");
		if (!List.of("json", "base64", "base58", "jsonParsed").contains(encoding)) {
			throw invalidParams("Invalid params: unknown variant `" + encoding + "`");
		}
		LedgerTransaction transaction = ledger.transaction(signature);
		if (transaction == null || transaction.slot() > ledger.slot(commitment)
				|| transaction.slot() < faults.firstAvailableSlot()) {
			return NODES.nullNode();
		}
		return JsonShapes.transaction(transaction, "base64".equals(encoding) ? "base64" : "json",
				config.has("maxSupportedTransactionVersion"));
	}

	private JsonNode signaturesForAddress(JsonNode params) {
		String address = address(required(params, 0, "address").asString());
		JsonNode config = config(params, 1);
		int limit = config.path("limit").asInt(MAX_SIGNATURES_LIMIT);
		if (limit < 1 || limit > MAX_SIGNATURES_LIMIT) {
			throw invalidParams("Invalid limit; max " + MAX_SIGNATURES_LIMIT);
		}
		Commitment commitment = atLeastConfirmed(config);
		String before = config.hasNonNull("before") ? signature(config.get("before").asString()) : null;
		String until = config.hasNonNull("until") ? signature(config.get("until").asString()) : null;
		ArrayNode result = NODES.arrayNode();
		long nodeSlot = ledger.slot(commitment) - faults.takeListingLag();
		if (config.path("minContextSlot").asLong(0) > nodeSlot) {
			throw new RpcException(RpcException.MIN_CONTEXT_SLOT_NOT_REACHED, "Minimum context slot has not been reached");
		}
		long firstAvailable = faults.firstAvailableSlot();
		LedgerTransaction anchor = before == null ? null : ledger.transaction(before);
		if (anchor != null && (anchor.slot() < firstAvailable || anchor.slot() > nodeSlot)) {
			return result;
		}
		for (LedgerTransaction transaction : ledger.signaturesFor(address, before, until, limit, commitment)) {
			if (transaction.slot() < firstAvailable) {
				break;
			}
			if (transaction.slot() <= nodeSlot) {
				result.add(JsonShapes.signatureInfo(transaction, ledger.commitmentOf(transaction)));
			}
		}
		return result;
	}

	private JsonNode accountInfo(JsonNode params) {
		String address = address(required(params, 0, "address").asString());
		JsonNode config = config(params, 1);
		Commitment commitment = commitment(config, Commitment.FINALIZED);
		Ledger.AccountsAt read = ledger.accounts(List.of(address), commitment);
		AccountVersion account = read.accounts().get(0);
		return JsonShapes.withContext(read.slot(),
				account == null ? NODES.nullNode() : JsonShapes.account(account, encoding(config), dataSlice(config)));
	}

	private JsonNode multipleAccounts(JsonNode params) {
		JsonNode addresses = required(params, 0, "addresses");
		if (!addresses.isArray()) {
			throw invalidParams("Invalid params: expected an array of addresses");
		}
		if (addresses.size() > MAX_MULTIPLE_ACCOUNTS) {
			throw invalidParams("Too many inputs provided; max " + MAX_MULTIPLE_ACCOUNTS);
		}
		JsonNode config = config(params, 1);
		Commitment commitment = commitment(config, Commitment.FINALIZED);
		String encoding = encoding(config);
		int[] slice = dataSlice(config);
		List<String> wanted = new ArrayList<>(addresses.size());
		addresses.forEach(address -> wanted.add(address(address.asString())));
		Ledger.AccountsAt read = ledger.accountsAt(wanted,
				Math.max(0, ledger.slot(commitment) - faults.takeAccountReadLag()));
		if (config.path("minContextSlot").asLong(0) > read.slot()) {
			throw new RpcException(RpcException.MIN_CONTEXT_SLOT_NOT_REACHED, "Minimum context slot has not been reached");
		}
		ArrayNode value = NODES.arrayNode();
		for (AccountVersion account : read.accounts()) {
			value.add(account == null ? NODES.nullNode() : JsonShapes.account(account, encoding, slice));
		}
		return JsonShapes.withContext(read.slot(), value);
	}

	private JsonNode programAccounts(JsonNode params) {
		String program = address(required(params, 0, "program id").asString());
		JsonNode config = config(params, 1);
		Commitment commitment = commitment(config, Commitment.FINALIZED);
		Predicate<AccountVersion> filter = filters(config.path("filters"));
		String encoding = encoding(config);
		int[] slice = dataSlice(config);
		Ledger.AccountsAt read = ledger.programAccounts(program, commitment, filter);
		ArrayNode accounts = NODES.arrayNode();
		for (AccountVersion account : read.accounts()) {
			if (accounts.size() >= faults.programAccountsCap()) {
				break;
			}
			ObjectNode entry = accounts.addObject();
			entry.set("account", JsonShapes.account(account, encoding, slice));
			entry.put("pubkey", account.address());
		}
		return config.path("withContext").asBoolean(false) ? JsonShapes.withContext(read.slot(), accounts)
				: accounts;
	}

	private static Predicate<AccountVersion> filters(JsonNode filters) {
		Predicate<AccountVersion> all = account -> true;
		if (filters.isMissingNode() || filters.isNull()) {
			return all;
		}
		if (!filters.isArray() || filters.size() > 4) {
			throw invalidParams("Too many filters provided; max 4");
		}
		for (JsonNode filter : filters) {
			if (filter.has("dataSize")) {
				long size = filter.get("dataSize").asLong();
				all = all.and(account -> account.data().length == size);
			}
			else if (filter.has("memcmp")) {
				JsonNode memcmp = filter.get("memcmp");
				int offset = memcmp.path("offset").asInt(0);
				String text = memcmp.path("bytes").asString("");
				byte[] bytes;
				try {
					bytes = "base64".equals(memcmp.path("encoding").asString("base58"))
							? Base64.getDecoder().decode(text) : Base58.decode(text);
				}
				catch (IllegalArgumentException ex) {
					throw invalidParams("Invalid param: could not decode memcmp bytes: " + ex.getMessage());
				}
				all = all.and(account -> offset + bytes.length <= account.data().length && Arrays.equals(bytes,
						Arrays.copyOfRange(account.data(), offset, offset + bytes.length)));
			}
			else {
				throw invalidParams("Invalid param: unknown filter " + filter);
			}
		}
		return all;
	}

	/** getBlockTime: the slot's block time, with getBlock's errors for a block not given (yet, or for good). */
	private JsonNode blockTime(JsonNode params) {
		long slot = required(params, 0, "slot").asLong();
		if (ledger.isSkipped(slot)) {
			throw new RpcException(RpcException.SLOT_SKIPPED,
					"Slot " + slot + " was skipped, or missing due to ledger jump to recent snapshot");
		}
		if (slot > ledger.slot(Commitment.CONFIRMED) || slot < 1) {
			throw new RpcException(RpcException.BLOCK_NOT_AVAILABLE, "Block not available for slot " + slot);
		}
		if (slot < faults.firstAvailableSlot()) {
			throw new RpcException(RpcException.BLOCK_CLEANED_UP, "Block " + slot
					+ " cleaned up, does not exist on node. First available block: " + faults.firstAvailableSlot());
		}
		return NODES.numberNode(ledger.blockTime(slot));
	}

	private JsonNode block(JsonNode params) {
		long slot = required(params, 0, "slot").asLong();
		JsonNode config = config(params, 1);
		Commitment commitment = atLeastConfirmed(config);
		if (ledger.isSkipped(slot)) {
			throw new RpcException(RpcException.SLOT_SKIPPED,
					"Slot " + slot + " was skipped, or missing due to ledger jump to recent snapshot");
		}
		if (slot > ledger.slot(commitment) || slot < 1) {
			throw new RpcException(RpcException.BLOCK_NOT_AVAILABLE, "Block not available for slot " + slot);
		}
		if (slot < faults.firstAvailableSlot()) {
			throw new RpcException(RpcException.BLOCK_CLEANED_UP, "Block " + slot
					+ " cleaned up, does not exist on node. First available block: " + faults.firstAvailableSlot());
		}
		String details = config.path("transactionDetails").asString("full");
		ObjectNode block = NODES.objectNode();
		block.put("blockHeight", slot);
		block.put("blockTime", ledger.blockTime(slot));
		block.put("blockhash", ledger.blockhash(slot));
		block.put("parentSlot", slot - 1);
		block.put("previousBlockhash", ledger.blockhash(slot - 1));
		List<LedgerTransaction> transactions = ledger.block(slot);
		if ("signatures".equals(details)) {
			ArrayNode signatures = block.putArray("signatures");
			transactions.forEach(transaction -> signatures.add(transaction.signature()));
		}
		else if ("full".equals(details)) {
			ArrayNode full = block.putArray("transactions");
			transactions.forEach(transaction -> {
				ObjectNode entry = JsonShapes.transaction(transaction, config.path("encoding").asString("json"),
						config.has("maxSupportedTransactionVersion"));
				entry.remove("slot");
				entry.remove("blockTime");
				full.add(entry);
			});
		}
		if (config.path("rewards").asBoolean(true)) {
			block.putArray("rewards");
		}
		return block;
	}

	private static Commitment commitment(JsonNode config, Commitment fallback) {
		try {
			return Commitment.parse(config.path("commitment").asString(null), fallback);
		}
		catch (IllegalArgumentException ex) {
			throw invalidParams("Invalid params: " + ex.getMessage());
		}
	}

	private static Commitment atLeastConfirmed(JsonNode config) {
		Commitment commitment = commitment(config, Commitment.FINALIZED);
		if (commitment == Commitment.PROCESSED) {
			throw invalidParams("Method does not support commitment below `confirmed`");
		}
		return commitment;
	}

	private static String encoding(JsonNode config) {
		String encoding = config.path("encoding").asString("base64");
		if (!List.of("base64", "base58", "base64+zstd", "jsonParsed").contains(encoding)) {
			throw invalidParams("Invalid params: unknown variant `" + encoding + "`");
		}
		if ("base64+zstd".equals(encoding)) {
			throw invalidParams("Invalid params: base64+zstd is not supported by this simulator");
		}
		return encoding;
	}

	private static int[] dataSlice(JsonNode config) {
		JsonNode slice = config.path("dataSlice");
		if (slice.isMissingNode() || slice.isNull()) {
			return null;
		}
		return new int[] { slice.path("offset").asInt(0), slice.path("length").asInt(0) };
	}

	private static JsonNode config(JsonNode params, int index) {
		JsonNode config = params != null && params.isArray() && params.size() > index ? params.get(index) : null;
		return config == null || config.isNull() ? NODES.objectNode() : config;
	}

	private static JsonNode required(JsonNode params, int index, String what) {
		if (params == null || !params.isArray() || params.size() <= index || params.get(index).isNull()) {
			throw invalidParams("Invalid params: missing " + what);
		}
		return params.get(index);
	}

	private static String signature(String text) {
		if (text == null || text.length() < 64 || text.length() > 88 || !decodes(text, 64)) {
			throw invalidParams("Invalid param: Invalid");
		}
		return text;
	}

	private static String address(String text) {
		if (text == null || !decodes(text, 32)) {
			throw invalidParams("Invalid param: Invalid");
		}
		return text;
	}

	private static boolean decodes(String text, int length) {
		try {
			return Base58.decode(text).length == length;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static RpcException invalidParams(String message) {
		return new RpcException(RpcException.INVALID_PARAMS, message);
	}
}
