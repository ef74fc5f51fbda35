package io.couponsync.simulator.rpc;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.Base58;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.CompiledInstruction;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.ledger.TransactionDraft;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Builds the JSON objects of the Solana RPC exactly as its documentation shows them. */
final class JsonShapes {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	static final String API_VERSION = "2.2.1";

	/** u64::MAX, the rentEpoch of every rent-exempt account. */
	private static final BigInteger RENT_EPOCH_MAX = new BigInteger("18446744073709551615");

	private JsonShapes() {
	}

	static ObjectNode context(long slot) {
		ObjectNode context = NODES.objectNode();
		context.put("apiVersion", API_VERSION);
		context.put("slot", slot);
		return context;
	}

	static ObjectNode withContext(long slot, JsonNode value) {
		ObjectNode result = NODES.objectNode();
		result.set("context", context(slot));
		result.set("value", value);
		return result;
	}

	static JsonNode err(Object err) {
		return err == null ? NODES.nullNode() : MAPPER.valueToTree(err);
	}

	static ObjectNode status(Object err) {
		ObjectNode status = NODES.objectNode();
		if (err == null) {
			status.putNull("Ok");
		}
		else {
			status.set("Err", err(err));
		}
		return status;
	}

	static ObjectNode signatureStatus(LedgerTransaction transaction, Commitment commitment, long tip) {
		ObjectNode status = NODES.objectNode();
		status.put("slot", transaction.slot());
		if (commitment == Commitment.FINALIZED) {
			status.putNull("confirmations");
		}
		else {
			status.put("confirmations", tip - transaction.slot());
		}
		status.set("err", err(transaction.draft().err()));
		status.set("status", status(transaction.draft().err()));
		status.put("confirmationStatus", commitment.jsonName());
		return status;
	}

	static ObjectNode signatureInfo(LedgerTransaction transaction, Commitment commitment) {
		ObjectNode info = NODES.objectNode();
		info.put("blockTime", transaction.blockTime());
		info.put("confirmationStatus", commitment.jsonName());
		info.set("err", err(transaction.draft().err()));
		info.putNull("memo");
		info.put("signature", transaction.signature());
		info.put("slot", transaction.slot());
		return info;
	}

	static ObjectNode account(AccountVersion account, String encoding, int[] dataSlice) {
		byte[] data = account.data();
		if (dataSlice != null) {
			int offset = Math.min(dataSlice[0], data.length);
			int length = Math.min(dataSlice[1], data.length - offset);
			data = java.util.Arrays.copyOfRange(data, offset, offset + length);
		}
		ObjectNode node = NODES.objectNode();
		ArrayNode encoded = node.putArray("data");
		if ("base58".equals(encoding)) {
			encoded.add(Base58.encode(data));
			encoded.add("base58");
		}
		else {
			encoded.add(Base64.getEncoder().encodeToString(data));
			encoded.add("base64");
		}
		node.put("executable", false);
		node.put("lamports", account.lamports());
		node.put("owner", account.owner());
		node.put("rentEpoch", RENT_EPOCH_MAX);
		node.put("space", account.data().length);
		return node;
	}

	static ObjectNode transaction(LedgerTransaction transaction, String encoding, boolean withVersion) {
		TransactionDraft draft = transaction.draft();
		ObjectNode result = NODES.objectNode();
		result.put("blockTime", transaction.blockTime());
		ObjectNode meta = result.putObject("meta");
		meta.put("computeUnitsConsumed", draft.computeUnits());
		meta.set("err", err(draft.err()));
		meta.put("fee", draft.fee());
		ArrayNode inner = meta.putArray("innerInstructions");
		draft.innerInstructions().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
			ObjectNode group = inner.addObject();
			group.put("index", entry.getKey());
			ArrayNode instructions = group.putArray("instructions");
			entry.getValue().forEach(instruction -> instructions.add(instruction(instruction)));
		});
		ObjectNode loaded = meta.putObject("loadedAddresses");
		loaded.putArray("readonly");
		loaded.putArray("writable");
		ArrayNode logs = meta.putArray("logMessages");
		draft.logs().forEach(logs::add);
		ArrayNode post = meta.putArray("postBalances");
		ArrayNode pre = meta.putArray("preBalances");
		for (int i = 0; i < draft.accountKeys().size(); i++) {
			long balance = i == 0 ? 10_000_000_000L - transaction.indexInBlock() : 1_000_000L;
			pre.add(balance);
			post.add(i == 0 ? balance - draft.fee() : balance);
		}
		meta.putArray("postTokenBalances");
		meta.putArray("preTokenBalances");
		meta.putArray("rewards");
		meta.set("status", status(draft.err()));
		result.put("slot", transaction.slot());
		if ("base64".equals(encoding)) {
			ArrayNode wire = result.putArray("transaction");
			wire.add(Base64.getEncoder().encodeToString(wireFormat(transaction)));
			wire.add("base64");
		}
		else {
			ObjectNode tx = result.putObject("transaction");
			ObjectNode message = tx.putObject("message");
			ArrayNode keys = message.putArray("accountKeys");
			draft.accountKeys().forEach(keys::add);
			ObjectNode header = message.putObject("header");
			header.put("numReadonlySignedAccounts", 0);
			header.put("numReadonlyUnsignedAccounts", draft.readonlyUnsignedCount());
			header.put("numRequiredSignatures", draft.signerCount());
			ArrayNode instructions = message.putArray("instructions");
			draft.instructions().forEach(instruction -> instructions.add(instruction(instruction)));
			message.put("recentBlockhash", transaction.recentBlockhash());
			tx.putArray("signatures").add(transaction.signature());
		}
		if (withVersion) {
			result.put("version", "legacy");
		}
		return result;
	}

	private static ObjectNode instruction(CompiledInstruction instruction) {
		ObjectNode node = NODES.objectNode();
		ArrayNode accounts = node.putArray("accounts");
		for (int account : instruction.accounts()) {
			accounts.add(account);
		}
		node.put("data", Base58.encode(instruction.data()));
		node.put("programIdIndex", instruction.programIdIndex());
		if (instruction.stackHeight() == null) {
			node.putNull("stackHeight");
		}
		else {
			node.put("stackHeight", instruction.stackHeight());
		}
		return node;
	}

	/** A legacy transaction in wire format: signatures, then the message (header, keys, blockhash, instructions). */
	static byte[] wireFormat(LedgerTransaction transaction) {
		TransactionDraft draft = transaction.draft();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		compactLength(out, 1);
		out.writeBytes(Base58.decode(transaction.signature()));
		out.write(draft.signerCount());
		out.write(0);
		out.write(draft.readonlyUnsignedCount());
		compactLength(out, draft.accountKeys().size());
		draft.accountKeys().forEach(key -> out.writeBytes(Base58.decode(key)));
		out.writeBytes(Base58.decode(transaction.recentBlockhash()));
		List<CompiledInstruction> instructions = draft.instructions();
		compactLength(out, instructions.size());
		for (CompiledInstruction instruction : instructions) {
			out.write(instruction.programIdIndex());
			compactLength(out, instruction.accounts().length);
			for (int account : instruction.accounts()) {
				out.write(account);
			}
			compactLength(out, instruction.data().length);
			out.writeBytes(instruction.data());
		}
		return out.toByteArray();
	}

	/** Solana's compact-u16 (shortvec) length prefix. */
	private static void compactLength(ByteArrayOutputStream out, int length) {
		int remaining = length;
		while (true) {
			int low = remaining & 0x7F;
			remaining >>>= 7;
			if (remaining == 0) {
				out.write(low);
				return;
			}
			out.write(low | 0x80);
		}
	}
}
