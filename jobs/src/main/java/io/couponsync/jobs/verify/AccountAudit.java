package io.couponsync.jobs.verify;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.mongodb.client.MongoDatabase;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.rpc.SolanaRpcClient.ProgramAccounts;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.verify.AuditReport.Finding;
import tools.jackson.databind.JsonNode;

/**
 * The read model against the program's finalized accounts: for each account type whose documents are keyed by
 * address, one {@code getProgramAccounts} (filtered by the type's discriminator) and one pass over the collection.
 * Every field a document shares with its decoded account must hold the same value; a document changed after the
 * slot the accounts were read at is not judged. A document whose last change is final must say so.
 */
final class AccountAudit {

	private final MongoDatabase database;

	private final SolanaRpcClient rpc;

	private final ProgramDecoder decoder;

	private final String programId;

	AccountAudit(MongoDatabase database, SolanaRpcClient rpc, ProgramDecoder decoder, String programId) {
		this.database = database;
		this.rpc = rpc;
		this.decoder = decoder;
		this.programId = programId;
	}

	/** Audits every collection; documents last changed at or below {@code settledSlot} must be finalized. */
	void audit(long settledSlot, AuditReport report) {
		for (DecodableType type : decoder.accounts()) {
			String collection = Projections.COLLECTION_OF_ACCOUNT_TYPE.get(type.name());
			if (collection != null) {
				audit(type, collection, settledSlot, report);
			}
		}
	}

	private void audit(DecodableType type, String collection, long settledSlot, AuditReport report) {
		ProgramAccounts read = rpc.getProgramAccounts(programId, type.discriminator().bytes(),
				ChainCommitment.FINALIZED.value());
		Map<String, String> dataByAddress = new HashMap<>();
		for (JsonNode account : read.accounts()) {
			dataByAddress.put(account.path("pubkey").asString(), account.path("account").path("data").get(0).asString());
		}
		report.count("accounts: on chain", dataByAddress.size());
		for (BsonDocument document : database.getCollection(collection, BsonDocument.class).find()) {
			String id = document.getString("_id").getValue();
			String data = dataByAddress.remove(id);
			boolean orphaned = document.getBoolean("orphaned", BsonBoolean.FALSE).getValue();
			long lastSlot = document.containsKey("lastSlot") ? document.getNumber("lastSlot").longValue() : 0;
			// why: a document holding only recounted totals carries no commitment to judge
			if (lastSlot <= settledSlot && document.containsKey("commitment")
					&& !"finalized".equals(document.getString("commitment").getValue())) {
				report.add(Finding.UNFINALIZED_DOCUMENT, collection + "/" + id + " (last change at slot " + lastSlot
						+ ")");
			}
			if (lastSlot > read.slot()) {
				report.count("accounts: documents changed after the slot read (not judged)", 1);
			}
			else if (data == null) {
				if (orphaned) {
					report.count("accounts: documents marked orphaned, account closed", 1);
				}
				else {
					report.add(Finding.CLOSED_NOT_MARKED, collection + "/" + id);
				}
			}
			else if (orphaned) {
				report.add(Finding.ORPHANED_BUT_ON_CHAIN, collection + "/" + id + " ("
						+ document.getString("orphanReason", new BsonString("no reason")).getValue() + ")");
			}
			else {
				compare(collection, id, document, data, report);
			}
		}
		dataByAddress.keySet().forEach(address -> report.add(Finding.ACCOUNT_NOT_INDEXED,
				type.name() + " " + address + " (no " + collection + " document)"));
	}

	private void compare(String collection, String id, BsonDocument document, String data, AuditReport report) {
		BsonDocument account;
		try {
			account = decode(data);
		}
		catch (DecodeException | IllegalArgumentException ex) {
			report.add(Finding.UNDECODABLE_ACCOUNT, collection + "/" + id + ": " + ex.getMessage());
			return;
		}
		report.count("accounts: documents compared", 1);
		for (Map.Entry<String, BsonValue> field : account.entrySet()) {
			BsonValue stored = document.get(field.getKey());
			if (stored == null) {
				continue;
			}
			report.count("accounts: fields compared", 1);
			if (!sameValue(stored, field.getValue())) {
				report.add(Finding.FIELD_DIFFERS, collection + "/" + id + "." + field.getKey() + ": read model "
						+ stored + ", chain " + field.getValue());
			}
		}
	}

	private BsonDocument decode(String base64) throws DecodeException {
		byte[] bytes = Base64.getDecoder().decode(base64);
		BsonValueWriter bson = new BsonValueWriter();
		BsonDocument account = bson.start();
		decoder.decodeAccount(new BorshInput().reset(bytes, 0, bytes.length), bson);
		return account;
	}

	/** Equal values, numbers compared by value whatever their BSON type (Int32, Int64, Double, Decimal128). */
	static boolean sameValue(BsonValue stored, BsonValue chain) {
		if (isNumeric(stored) && isNumeric(chain)) {
			return decimal(stored).compareTo(decimal(chain)) == 0;
		}
		if (stored.isDocument() && chain.isDocument()) {
			BsonDocument a = stored.asDocument();
			BsonDocument b = chain.asDocument();
			return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(key -> sameValue(a.get(key), b.get(key)));
		}
		if (stored.isArray() && chain.isArray()) {
			BsonArray a = stored.asArray();
			BsonArray b = chain.asArray();
			if (a.size() != b.size()) {
				return false;
			}
			for (int i = 0; i < a.size(); i++) {
				if (!sameValue(a.get(i), b.get(i))) {
					return false;
				}
			}
			return true;
		}
		return stored.equals(chain);
	}

	private static boolean isNumeric(BsonValue value) {
		return value.isNumber() || value.isDecimal128();
	}

	private static BigDecimal decimal(BsonValue value) {
		return switch (value.getBsonType()) {
			case INT32 -> BigDecimal.valueOf(value.asInt32().getValue());
			case INT64 -> BigDecimal.valueOf(value.asInt64().getValue());
			case DOUBLE -> BigDecimal.valueOf(value.asDouble().getValue());
			default -> value.asDecimal128().getValue().bigDecimalValue();
		};
	}
}
