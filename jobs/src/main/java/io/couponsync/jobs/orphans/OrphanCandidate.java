package io.couponsync.jobs.orphans;

import org.bson.BsonDocument;

/** A read-model document not marked orphaned, and its collection. */
record OrphanCandidate(String collection, BsonDocument document) {

	String address() {
		return document.getString("_id").getValue();
	}
}
