package io.couponsync.jobs.readmodel;

import org.bson.BsonDocument;

/**
 * One decoded event of an applied transaction: its identity (signature and index in the transaction), its place
 * in chain order, and its fields as BSON with camelCase names (pubkeys as base58 strings).
 */
public record ChainEvent(String signature, int index, String name, ChangeVersion version, BsonDocument data) {

	public String id() {
		return signature + ":" + index;
	}

	public String text(String field) {
		return data.getString(field).getValue();
	}
}
