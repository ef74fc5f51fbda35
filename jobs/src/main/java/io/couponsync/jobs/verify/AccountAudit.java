package io.couponsync.jobs.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoDatabase;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.rpc.ListedSignature;
import io.couponsync.chain.rpc.ProgramAccount;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.rpc.SolanaRpcClient.ProgramAccounts;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.jobs.accountstate.AccountReadCheckpoints;
import io.couponsync.jobs.accountstate.BsonValues;
import io.couponsync.jobs.accountstate.CountersAtRead;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.verify.AuditReport.Finding;

/**
 * The read model against the program's finalized accounts: for each account type whose documents are keyed by
 * address, one {@code getProgramAccounts} (filtered by the type's discriminator) and one pass over the collection.
 * Every field of the account is judged: a field an event wrote must equal the account's; a field the document lacks,
 * or that only an account read wrote, must too once a full reconciliation has listed the type at or after the chain's
 * last transaction (before that, reconciliation has not had the chance: reported only). Likewise an account with no
 * document fails once such a reconciliation ran, and a document of a closed account not marked orphaned once it or an
 * orphan cleanup did ({@link AccountReadCheckpoints}). A counter that counted events after the slot the accounts
 * were read at is judged at that slot, what those events added taken out ({@link CountersAtRead}). A document
 * changed after the read is not judged, nor a set-once field the finality job is yet to read again at finalized after
 * a fork's undo; a document whose last change is final must say so.
 */
final class AccountAudit {

	private final MongoDatabase database;

	private final SolanaRpcClient rpc;

	private final ProgramDecoder decoder;

	private final String programId;

	private final AccountReadCheckpoints checkpoints;

	private final CountersAtRead countersAtRead;

	/** Documents whose set-once fields the finality job reads again at finalized after a fork's undo. */
	private Set<DocumentKey> awaitingSetOnceRereads = Set.of();

	AccountAudit(MongoDatabase database, SolanaRpcClient rpc, ProgramDecoder decoder, String programId,
			CountersAtRead countersAtRead) {
		this.database = database;
		this.countersAtRead = countersAtRead;
		this.rpc = rpc;
		this.decoder = decoder;
		this.programId = programId;
		this.checkpoints = new AccountReadCheckpoints(database);
	}

	/** Audits every collection; documents last changed at or below {@code settledSlot} must be finalized. */
	void audit(long settledSlot, AuditReport report) {
		awaitingSetOnceRereads = new ReadModelStore(database).awaitingSetOnceRereads();
		long lastChange = lastTransactionSlot();
		long cleanup = checkpoints.orphanCleanup();
		report.count("accounts: slot of the program's last finalized transaction", lastChange);
		for (DecodableType type : decoder.accounts()) {
			String collection = Projections.COLLECTION_OF_ACCOUNT_TYPE.get(type.name());
			if (collection != null) {
				long full = checkpoints.full(type.name());
				boolean reconciled = full > 0 && full >= lastChange;
				boolean cleaned = reconciled || (cleanup > 0 && cleanup >= lastChange);
				if (reconciled) {
					report.count("accounts: types a full reconciliation listed after the last transaction", 1);
				}
				audit(type, collection, settledSlot, reconciled, cleaned, report);
			}
		}
	}

	/** The slot of the program's newest finalized transaction (0 if it has none): the chain's last change. */
	private long lastTransactionSlot() {
		List<ListedSignature> newest = rpc.getSignaturesForAddress(programId, null, null, 1,
				ChainCommitment.FINALIZED.value());
		return newest.isEmpty() ? 0 : newest.get(0).slot();
	}

	private void audit(DecodableType type, String collection, long settledSlot, boolean reconciled, boolean cleaned,
			AuditReport report) {
		ProgramAccounts read = rpc.getProgramAccounts(programId, type.discriminator().bytes(),
				ChainCommitment.FINALIZED.value());
		Map<String, byte[]> dataByAddress = new HashMap<>();
		for (ProgramAccount account : read.accounts()) {
			dataByAddress.put(account.address(), account.account().data());
		}
		report.count("accounts: on chain", dataByAddress.size());
		List<CounterAtRead> countersAhead = new ArrayList<>();
		for (BsonDocument document : database.getCollection(collection, BsonDocument.class).find()) {
			String id = document.getString("_id").getValue();
			byte[] data = dataByAddress.remove(id);
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
					report.add(cleaned ? Finding.CLOSED_NOT_MARKED_AFTER_CLEANUP : Finding.CLOSED_NOT_MARKED,
							collection + "/" + id);
				}
			}
			else if (orphaned) {
				report.add(Finding.ORPHANED_BUT_ON_CHAIN, collection + "/" + id + " ("
						+ document.getString("orphanReason", new BsonString("no reason")).getValue() + ")");
			}
			else {
				compare(collection, id, document, data, reconciled, read.slot(), countersAhead, report);
			}
		}
		judgeAtTheRead(countersAhead, report);
		dataByAddress.keySet().forEach(address -> report.add(reconciled ? Finding.ACCOUNT_NOT_INDEXED_AFTER_RECONCILE
				: Finding.ACCOUNT_NOT_INDEXED, type.name() + " " + address + " (no " + collection + " document)"));
	}

	private void compare(String collection, String id, BsonDocument document, byte[] data, boolean reconciled,
			long readSlot, List<CounterAtRead> countersAhead, AuditReport report) {
		BsonDocument account;
		try {
			account = decode(data);
		}
		catch (DecodeException | IllegalArgumentException ex) {
			report.add(Finding.UNDECODABLE_ACCOUNT, collection + "/" + id + ": " + ex.getMessage());
			return;
		}
		report.count("accounts: documents compared", 1);
		BsonDocument versions = document.getDocument(ReadModelStore.VERSIONS, new BsonDocument());
		for (Map.Entry<String, BsonValue> field : account.entrySet()) {
			BsonValue stored = document.get(field.getKey());
			report.count("accounts: fields compared", 1);
			if (countersAtRead.isCounter(collection, field.getKey())
					&& CountersAtRead.countedPast(document, field.getKey(), readSlot)) {
				// why: judged before the equality below, since a counter ahead of the read that equals the account is
				// wrong unless what it counted past the read adds up to nothing; one whose base a later reconciliation
				// read set holds changes the log cannot tell apart
				if (versionAfter(versions.get(field.getKey()), readSlot)) {
					report.count("accounts: counters that counted changes after the slot read (not judged: a later "
							+ "read set their base)", 1);
				}
				else {
					countersAhead.add(new CounterAtRead(new CountersAtRead.Counter(new DocumentKey(collection, id),
							field.getKey(), stored, readSlot), field.getValue()));
				}
				continue;
			}
			if (stored != null && sameValue(stored, field.getValue())) {
				continue;
			}
			if (Projections.isSetOnce(collection, field.getKey())
					&& awaitingSetOnceRereads.contains(new DocumentKey(collection, id))) {
				report.count("accounts: set-once fields a fork's undo took out, read again once final (not judged)", 1);
				continue;
			}
			if (Projections.isDerived(collection, field.getKey())
					&& versionAfter(versions.get(field.getKey()), readSlot)) {
				report.count("accounts: fields a counter's change set after the slot read (not judged)", 1);
				continue;
			}
			String detail = collection + "/" + id + "." + field.getKey() + ": read model "
					+ (stored == null ? "(no field)" : display(stored)) + ", chain " + display(field.getValue());
			if (stored != null && writtenByEvent(versions.get(field.getKey()))) {
				report.add(Finding.FIELD_DIFFERS, detail);
			}
			else {
				report.add(reconciled ? Finding.FIELD_NOT_RECONCILED_AFTER_RECONCILE : Finding.FIELD_NOT_RECONCILED,
						detail);
			}
		}
	}

	/** A value as an operator reads it: numbers and text as they are, bytes in hex, the rest as JSON. */
	static String display(BsonValue value) {
		return switch (value.getBsonType()) {
			case INT32 -> String.valueOf(value.asInt32().getValue());
			case INT64 -> String.valueOf(value.asInt64().getValue());
			case DOUBLE -> String.valueOf(value.asDouble().getValue());
			case DECIMAL128 -> value.asDecimal128().getValue().toString();
			case STRING -> value.asString().getValue();
			case BOOLEAN -> String.valueOf(value.asBoolean().getValue());
			case BINARY -> "0x" + HexFormat.of().formatHex(value.asBinary().getData());
			case NULL -> "null";
			default -> {
				String json = new BsonDocument("v", value).toJson();
				yield json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
			}
		};
	}

	/** A counter that counted changes after the slot read, and the account's value at that slot. */
	private record CounterAtRead(CountersAtRead.Counter counter, BsonValue chain) {
	}

	/**
	 * Judges counters that counted changes after the slot read at that slot. why: increments do not move the
	 * document's {@code lastSlot}, so a document last changed long ago can hold a total that already counts events
	 * the read does not show yet; under traffic that is most counters.
	 */
	private void judgeAtTheRead(List<CounterAtRead> counters, AuditReport report) {
		if (counters.isEmpty()) {
			return;
		}
		CountersAtRead.Values values = countersAtRead.valuesAtRead(counters.stream().map(CounterAtRead::counter)
			.toList());
		if (values.postponed() != null) {
			report.count("accounts: counters that counted changes after the slot read (not judged: "
					+ (values.postponed() == CountersAtRead.Postponed.COUNTER_CHANGES_IN_FLIGHT
							? "counter changes are half done)"
							: "more than " + CountersAtRead.MAX_EVENTS_PAST_READ + " counting events past the read)"),
					counters.size());
			return;
		}
		for (CounterAtRead ahead : counters) {
			CountersAtRead.Counter counter = ahead.counter();
			BsonValue atRead = values.atRead().get(counter);
			report.count("accounts: counters judged at the slot read (what events counted after it added taken out)",
					1);
			if (atRead == null || !sameValue(atRead, ahead.chain())) {
				report.add(Finding.COUNTER_DIFFERS_AT_READ, counter.key().collection() + "/" + counter.key().id() + "."
						+ counter.field() + ": read model " + (atRead == null ? "(no field)" : display(atRead))
						+ " at the slot read (" + (counter.stored() == null ? "no field" : display(counter.stored()))
						+ " now), chain " + display(ahead.chain()));
			}
		}
	}


	/**
	 * Whether a version is past {@code readSlot}. why: increments, and a field set in a counter's update (a user's
	 * tier, from its reputation), do not move the document's {@code lastSlot}; their own versions say when.
	 */
	static boolean versionAfter(BsonValue version, long readSlot) {
		ChangeVersion parsed = version != null && version.isString() ? ChangeVersion.parse(version.asString().getValue())
				: null;
		return parsed != null && parsed.slot() > readSlot;
	}

	/** Whether a field's last change came from an event (not from an account read, nor from a recount). */
	private static boolean writtenByEvent(BsonValue version) {
		if (version == null || !version.isString()) {
			// why: recounted counters carry no version; they come from events all the same
			return true;
		}
		String[] parts = version.asString().getValue().split("\\.");
		// why: a fork's resync rewrites only fields events maintain; only reconciliation writes the others
		return parts.length < 3 || !ReadModelStore.RECONCILE_SOURCE.equals(parts[2]);
	}

	private BsonDocument decode(byte[] bytes) throws DecodeException {
		BsonValueWriter bson = new BsonValueWriter();
		BsonDocument account = bson.start();
		decoder.decodeAccount(new BorshInput().reset(bytes, 0, bytes.length), bson);
		return account;
	}

	/** Equal values, numbers compared by value whatever their BSON type (Int32, Int64, Double, Decimal128). */
	static boolean sameValue(BsonValue stored, BsonValue chain) {
		return BsonValues.sameValue(stored, chain);
	}
}
