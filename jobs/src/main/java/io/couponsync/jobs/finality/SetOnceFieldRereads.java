package io.couponsync.jobs.finality;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.jobs.accountstate.AccountDecoding;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelChanges;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Gives back the set-once fields (a user's {@code joinedAt}) of documents a fork's undo re-read: once the slot of
 * that re-read is finalized, their accounts are read at finalized and those fields set from it, as a reconciliation
 * would. why: the undo takes out a value a dropped transaction set but cannot take the surviving one from its
 * confirmed read (a later fork may drop the state it saw, and no event corrects a set-once value); nor does the
 * event that set it on the surviving chain, when it was applied before the undo — it lost then to the dropped
 * transaction's earlier version — and the next event to touch the document would set its own, later, time.
 */
class SetOnceFieldRereads {

	private static final Logger log = LoggerFactory.getLogger(SetOnceFieldRereads.class);

	/** Documents read per run at most (whole slots; at least one): a large fork's are done in turns. */
	static final int PER_RUN = 2_000;

	private final ReadModelStore store;

	private final SolanaRpcClient rpc;

	private final AccountDecoding accountDecoding;

	SetOnceFieldRereads(ReadModelStore store, SolanaRpcClient rpc, AccountDecoding accountDecoding) {
		this.store = store;
		this.rpc = rpc;
		this.accountDecoding = accountDecoding;
	}

	/**
	 * Reads again the documents whose re-read slot is at or below {@code finalizedSlot}, oldest slots first and up
	 * to {@link #PER_RUN} (one {@code getMultipleAccounts} per 100), and sets their set-once fields. An account
	 * missing at finalized was created by a transaction a later fork dropped too; that fork's undo deals with its
	 * document. Returns how many documents changed.
	 */
	long reread(long finalizedSlot) {
		Map<Long, List<DocumentKey>> due = store.setOnceRereadsDue(finalizedSlot, PER_RUN);
		if (due.isEmpty()) {
			return 0;
		}
		Map<String, DocumentKey> byAddress = new LinkedHashMap<>();
		due.values().forEach(keys -> keys.forEach(key -> byAddress.put(key.id(), key)));
		List<String> addresses = new ArrayList<>(byAddress.keySet());
		List<AccountRead> reads = rpc.readAccounts(addresses, ChainCommitment.FINALIZED.value(),
				Collections.max(due.keySet()));
		ReadModelChanges finalValues = new ReadModelChanges();
		int gone = 0;
		for (int i = 0; i < addresses.size(); i++) {
			DocumentKey key = byAddress.get(addresses.get(i));
			AccountRead read = reads.get(i);
			BsonDocument fields = decode(key, read);
			if (fields == null) {
				gone += read.exists() ? 0 : 1;
				continue;
			}
			ChangeVersion version = ChangeVersion.endOfSlot(read.contextSlot(), ReadModelStore.RECONCILE_SOURCE);
			for (Map.Entry<String, BsonValue> field : fields.entrySet()) {
				if (Projections.isSetOnce(key.collection(), field.getKey())) {
					finalValues.set(key.collection(), key.id(), field.getKey(), field.getValue(), version);
				}
			}
		}
		long changed = store.setFinalSetOnceValues(finalValues);
		store.setOnceRereadsDone(due.keySet());
		log.info("Set-once fields of {} documents a fork's undo re-read were read again at finalized: {} changed, {} "
				+ "accounts gone (left to the undo of the fork that dropped their creation)", addresses.size(), changed,
				gone);
		return changed;
	}

	private BsonDocument decode(DocumentKey key, AccountRead read) {
		try {
			AccountDecoding.DecodedAccount decoded = accountDecoding.decode(read);
			return decoded == null ? null : decoded.fields();
		}
		catch (AccountDecoding.UndecodableAccountException ex) {
			log.warn("Account {} of {}, read at finalized for its set-once fields, is left as it is: {}", key.id(),
					key.collection(), ex.getMessage());
			return null;
		}
	}
}
