package io.couponsync.jobs.reconcile;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.FieldName;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.simulator.GroundTruth;

/**
 * The strict comparison a reconciled read model must pass: every account of every type with a collection has a
 * document, not marked orphaned, holding every field of the account with the same value (numbers by value, pubkeys
 * as base58, unit enums by name, bytes as hex, structs field by field); every other document is marked orphaned.
 * Counters are left out: the apply job maintains them from the event log, and reconciliation only reports them (the
 * projections and the simulator are being aligned elsewhere; this is a consistency check of reconciliation).
 */
final class AccountEquality {

	private AccountEquality() {
	}

	static List<String> differences(MongoDatabase readModel, Map<String, GroundTruth.Account> accounts,
			Set<String> counters) {
		List<String> differences = new ArrayList<>();
		Set<String> accountIds = new HashSet<>();
		for (GroundTruth.Account account : accounts.values()) {
			String collection = Projections.COLLECTION_OF_ACCOUNT_TYPE.get(account.type());
			if (collection == null) {
				differences.add(account.type() + " has no collection");
				continue;
			}
			accountIds.add(collection + "/" + account.address());
			Document document = readModel.getCollection(collection).find(new Document("_id", account.address()))
				.first();
			if (document == null) {
				differences.add(collection + " lacks " + account.address());
				continue;
			}
			if (Boolean.TRUE.equals(document.getBoolean("orphaned"))) {
				differences.add(collection + "/" + account.address() + " is marked orphaned, its account exists");
			}
			account.fields().forEach((field, value) -> {
				String name = FieldName.of(field).camelCase();
				if (counters.contains(collection + "." + name) && document.containsKey(name)) {
					return;
				}
				if (!document.containsKey(name)) {
					differences.add(collection + "/" + account.address() + " lacks " + name);
					return;
				}
				String expected = normalize(value);
				String actual = normalize(document.get(name));
				if (!expected.equals(actual)) {
					differences.add(collection + "/" + account.address() + "." + name + ": read model " + actual
							+ ", chain " + expected);
				}
			});
		}
		for (String collection : Projections.COLLECTION_OF_ACCOUNT_TYPE.values()) {
			for (Document document : readModel.getCollection(collection).find()) {
				if (!accountIds.contains(collection + "/" + document.getString("_id"))
						&& !Boolean.TRUE.equals(document.getBoolean("orphaned"))) {
					differences.add(collection + "/" + document.getString("_id") + " has no account, not orphaned");
				}
			}
		}
		return differences;
	}

	static String normalize(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof PublicKey key) {
			return key.toBase58();
		}
		if (value instanceof EnumValue enumValue && enumValue.fields().isEmpty()) {
			return enumValue.variant();
		}
		if (value instanceof byte[] bytes) {
			return HexFormat.of().formatHex(bytes);
		}
		if (value instanceof Binary binary) {
			return HexFormat.of().formatHex(binary.getData());
		}
		if (value instanceof Decimal128 decimal) {
			return decimal.bigDecimalValue().toPlainString();
		}
		if (value instanceof Number number) {
			return new BigDecimal(number.toString()).toPlainString();
		}
		if (value instanceof Map<?, ?> struct) {
			Map<String, String> fields = new TreeMap<>();
			struct.forEach((field, inner) -> fields.put(FieldName.of(field.toString()).camelCase(), normalize(inner)));
			return fields.toString();
		}
		if (value instanceof List<?> list) {
			return list.stream().map(AccountEquality::normalize).toList().toString();
		}
		return value.toString();
	}
}
