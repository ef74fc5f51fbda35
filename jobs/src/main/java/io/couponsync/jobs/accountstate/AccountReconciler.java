package io.couponsync.jobs.accountstate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.jobs.accountstate.AccountDecoding.DecodedAccount;
import io.couponsync.jobs.accountstate.DifferenceReport.Difference;
import io.couponsync.jobs.accountstate.DifferenceReport.Kind;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelChanges;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;
import io.couponsync.jobs.readmodel.ReadModelStore;

/**
 * Makes documents equal to their accounts as read: every field of the account is compared with the document's
 * (numbers by value) and each difference is recorded and written under the same version guard as events — the
 * read's context slot is the version, so a field an event changed after the read keeps the event's value, and a
 * snapshot never rolls an event back. An account with no document gets one; a document whose account is gone is
 * marked orphaned with its reason ({@link OrphanReasons}), unless an event changed it after the read. A dry run
 * records and counts the same differences and writes nothing to the read model.
 */
public final class AccountReconciler {

	private static final Logger log = LoggerFactory.getLogger(AccountReconciler.class);

	/** An address to reconcile, with the collection of its document, or null when only the address is known. */
	public record Target(String address, String collection) {
	}

	/** The run's execution, whether it only reports, and whether its reads are final. */
	public record Settings(long jobExecutionId, boolean dryRun, boolean readAtFinalized) {
	}

	private static final Map<String, String> TYPE_OF_COLLECTION = new HashMap<>();

	static {
		Projections.COLLECTION_OF_ACCOUNT_TYPE.forEach((type, collection) -> TYPE_OF_COLLECTION.put(collection, type));
	}

	private final MongoDatabase database;

	private final ReadModelStore store;

	private final AccountDecoding decoding;

	private final OrphanReasons reasons;

	private final DifferenceReport report;

	/** The apply job's counters at a read, for those ahead of it. */
	private final CountersAtRead countersAtRead;

	/**
	 * @param countersAtRead the apply job's counters: one is set from a read only when it holds no change newer than
	 * the read (the read then becomes its base); otherwise its value at the read is compared, and a difference is
	 * reported (kind {@code counter}) and left as it is
	 */
	public AccountReconciler(MongoDatabase database, ReadModelStore store, AccountDecoding decoding,
			OrphanReasons reasons, DifferenceReport report, CountersAtRead countersAtRead) {
		this.countersAtRead = countersAtRead;
		this.database = database;
		this.store = store;
		this.decoding = decoding;
		this.reasons = reasons;
		this.report = report;
	}

	/** The account type a collection holds. */
	public static String typeOf(String collection) {
		return TYPE_OF_COLLECTION.getOrDefault(collection, collection);
	}

	/**
	 * Reconciles each target with its read ({@code reads.get(i)} answers {@code targets.get(i)}). {@code stored}
	 * holds the documents already loaded by the caller (a key missing from it has no document), or is null to load
	 * them here.
	 */
	public void reconcile(List<Target> targets, List<AccountRead> reads, Map<DocumentKey, BsonDocument> stored,
			Settings settings, ReconcileTally tally) {
		pass(targets, reads, stored, settings, tally, true);
	}

	/**
	 * Only the orphan half of {@link #reconcile}: documents whose account the read did not find are marked; the
	 * fields of accounts that exist are left to reconciliation.
	 */
	public void orphanMissing(List<Target> targets, List<AccountRead> reads, Map<DocumentKey, BsonDocument> stored,
			Settings settings, ReconcileTally tally) {
		pass(targets, reads, stored, settings, tally, false);
	}

	private void pass(List<Target> targets, List<AccountRead> reads, Map<DocumentKey, BsonDocument> stored,
			Settings settings, ReconcileTally tally, boolean compareFields) {
		Map<DocumentKey, DecodedAccount> present = new LinkedHashMap<>();
		Map<DocumentKey, Long> readSlots = new HashMap<>();
		List<DocumentKey> absent = new ArrayList<>();
		List<Difference> undecodable = new ArrayList<>();
		for (int i = 0; i < targets.size(); i++) {
			Target target = targets.get(i);
			AccountRead read = reads.get(i);
			// why: an address whose account the program closed can hold an account again, not the program's (lamports
			// sent to it make it the system program's): the program's account is gone all the same
			if (!read.exists() || !decoding.ownedByProgram(read)) {
				if (target.collection() != null) {
					DocumentKey key = new DocumentKey(target.collection(), target.address());
					absent.add(key);
					readSlots.put(key, read.contextSlot());
				}
				continue;
			}
			DecodedAccount account;
			try {
				account = compareFields ? decoding.decode(read) : null;
			}
			catch (AccountDecoding.UndecodableAccountException ex) {
				// why: one account in a layout the IDL does not describe must not stop every later pass
				log.warn("Account {} left out of reconciliation: {}", target.address(), ex.getMessage());
				undecodable.add(new Difference(Kind.UNDECODABLE, null, target.collection(), target.address(),
						ex.getMessage(), null, new BsonBinary(read.account().data()), read.contextSlot()));
				continue;
			}
			String collection = account == null ? null : Projections.COLLECTION_OF_ACCOUNT_TYPE.get(account.type());
			if (collection != null) {
				DocumentKey key = new DocumentKey(collection, target.address());
				present.put(key, account);
				readSlots.put(key, read.contextSlot());
			}
		}
		Map<DocumentKey, BsonDocument> documents = stored != null ? stored : load(readSlots.keySet());
		List<Difference> differences = new ArrayList<>(undecodable);
		ReadModelChanges changes = new ReadModelChanges();
		long newestRead = 0;
		List<CounterCheck> counterChecks = new ArrayList<>();
		for (Map.Entry<DocumentKey, DecodedAccount> entry : present.entrySet()) {
			DocumentKey key = entry.getKey();
			long slot = readSlots.get(key);
			newestRead = Math.max(newestRead, slot);
			compare(key, entry.getValue(), documents.get(key), slot, changes, differences, counterChecks, tally);
		}
		differences.addAll(counterDifferences(counterChecks, tally));
		List<BsonDocument> gone = new ArrayList<>();
		Map<String, Long> goneSlots = new HashMap<>();
		for (DocumentKey key : absent) {
			BsonDocument document = documents.get(key);
			if (document != null && isLive(document, readSlots.get(key))) {
				gone.add(document);
				goneSlots.put(key.collection() + "/" + key.id(), readSlots.get(key));
			}
		}
		Map<String, Map<Long, List<DocumentKey>>> orphans = orphans(gone, goneSlots, differences, tally);
		// why: the report before the repairs: a crash between them leaves the repairs to the restart, which finds
		// the same differences; the other way round the restart finds nothing left to report
		report.record(differences, settings.jobExecutionId(), settings.dryRun());
		if (!settings.dryRun()) {
			store.reconcile(changes, newestRead, settings.readAtFinalized());
			orphans.forEach((reason, bySlot) -> bySlot.forEach((slot, keys) -> store.markOrphanedAsOf(keys, reason,
					slot, settings.readAtFinalized())));
		}
	}

	private void compare(DocumentKey key, DecodedAccount account, BsonDocument document, long slot,
			ReadModelChanges changes, List<Difference> differences, List<CounterCheck> counterChecks,
			ReconcileTally tally) {
		String type = account.type();
		tally.add(type, ReconcileTally.ACCOUNTS, 1);
		ChangeVersion version = ChangeVersion.endOfSlot(slot, ReadModelStore.RECONCILE_SOURCE);
		if (document == null) {
			differences.add(new Difference(Kind.MISSING_DOCUMENT, type, key.collection(), key.id(), null, null,
					account.fields(), slot));
			tally.add(type, ReconcileTally.INSERTED, 1);
			// why: counters too — the read's version is their base: events at or before it add nothing later
			account.fields().forEach((field, value) -> changes.set(key.collection(), key.id(), field, value, version));
			return;
		}
		boolean orphaned = isOrphaned(document);
		if (orphaned) {
			differences.add(new Difference(Kind.ORPHAN_MARK, type, key.collection(), key.id(), ReadModelStore.ORPHANED,
					BsonBoolean.TRUE, BsonBoolean.FALSE, slot));
			tally.add(type, ReconcileTally.UNORPHANED, 1);
		}
		BsonDocument versions = document.getDocument(ReadModelStore.VERSIONS, new BsonDocument());
		String versionKey = version.key();
		for (Map.Entry<String, BsonValue> field : account.fields().entrySet()) {
			BsonValue storedVersion = versions.get(field.getKey());
			if (storedVersion != null && storedVersion.asString().getValue().compareTo(versionKey) > 0) {
				// why: an event after the read changed it; the event is the newer truth
				tally.add(type, ReconcileTally.NEWER_KEPT, 1);
				continue;
			}
			BsonValue stored = document.get(field.getKey());
			// why: a counter that holds a change newer than the read cannot take the read as its base (it lacks that
			// change): it is compared at the read, never written. Otherwise the read becomes its base, and changes at
			// or before the read's version add nothing when they are counted (see CounterJournal).
			if (countersAtRead.isCounter(key.collection(), field.getKey())
					&& CountersAtRead.countedPast(document, field.getKey(), slot)) {
				counterChecks.add(new CounterCheck(new CountersAtRead.Counter(key, field.getKey(), stored, slot), type,
						field.getValue()));
				continue;
			}
			if (stored == null || !BsonValues.sameValue(stored, field.getValue())) {
				Kind kind = stored != null && writtenByARead(storedVersion) ? Kind.UNEVENTED_FIELD : Kind.FIELD;
				differences.add(new Difference(kind, type, key.collection(), key.id(), field.getKey(), stored,
						field.getValue(), slot));
				tally.add(type, ReconcileTally.DIFFERENCES, 1);
				changes.set(key.collection(), key.id(), field.getKey(), field.getValue(), version);
			}
			else if (orphaned) {
				// why: a write newer than the mark is what takes the mark away
				changes.set(key.collection(), key.id(), field.getKey(), field.getValue(), version);
			}
		}
	}

	/**
	 * Whether a field's stored value came from an account read (a reconciliation or a re-sync), no event having
	 * changed it since. why: such a value differing from the account now changed on chain without an event, which
	 * the fields no event describes do all the time; one an event wrote differing is a divergence to look into.
	 */
	private static boolean writtenByARead(BsonValue storedVersion) {
		ChangeVersion version = storedVersion == null || !storedVersion.isString() ? null
				: ChangeVersion.parse(storedVersion.asString().getValue());
		return version != null && ReadModelStore.ACCOUNT_READ_SOURCES.contains(version.signature());
	}

	/** A counter holding changes newer than the read, to compare at the read's version with the account's. */
	private record CounterCheck(CountersAtRead.Counter counter, String type, BsonValue chain) {
	}

	/**
	 * The counters whose value at the read differs from the account's, that value being what the report shows as
	 * the read model's ({@link CountersAtRead}). Without this a counter the apply job keeps ahead of the read
	 * (confirmed events past a read at finalized) would be reported on every run of a converged read model.
	 * Postponed, with a log line, while counter changes are half done or when too many events are past the read to
	 * load.
	 */
	private List<Difference> counterDifferences(List<CounterCheck> checks, ReconcileTally tally) {
		if (checks.isEmpty()) {
			return List.of();
		}
		checks.forEach(check -> tally.add(check.type(), ReconcileTally.COUNTERS_AHEAD, 1));
		CountersAtRead.Values values = countersAtRead.valuesAtRead(checks.stream().map(CounterCheck::counter).toList());
		if (values.postponed() == CountersAtRead.Postponed.COUNTER_CHANGES_IN_FLIGHT) {
			log.info("{} counters ahead of the read not compared: counter changes are half done (an apply run or a "
					+ "fork undo left unfinished); the next run compares them", checks.size());
			return List.of();
		}
		if (values.postponed() == CountersAtRead.Postponed.TOO_MANY_EVENTS_PAST_READ) {
			log.warn("{} counters ahead of the read at slot {} not compared: more than {} counting events are logged "
					+ "past it (is finalization stalled?)", checks.size(),
					checks.stream().mapToLong(check -> check.counter().readSlot()).min().getAsLong(),
					CountersAtRead.MAX_EVENTS_PAST_READ);
			return List.of();
		}
		List<Difference> differences = new ArrayList<>();
		for (CounterCheck check : checks) {
			CountersAtRead.Counter counter = check.counter();
			BsonValue atRead = values.atRead().get(counter);
			if (atRead == null || !BsonValues.sameValue(atRead, check.chain())) {
				differences.add(new Difference(Kind.COUNTER, check.type(), counter.key().collection(),
						counter.key().id(), counter.field(), atRead, check.chain(), counter.readSlot()));
				tally.add(check.type(), ReconcileTally.COUNTER_DIFFERENCES, 1);
			}
		}
		return differences;
	}

	/** The orphan marks to make, by reason and read slot, each added to the differences and the tally. */
	private Map<String, Map<Long, List<DocumentKey>>> orphans(List<BsonDocument> gone, Map<String, Long> slots,
			List<Difference> differences, ReconcileTally tally) {
		if (gone.isEmpty()) {
			return Map.of();
		}
		Map<String, String> reasonById = reasons.reasons(gone);
		Map<String, Map<Long, List<DocumentKey>>> byReasonAndSlot = new LinkedHashMap<>();
		for (Map.Entry<String, Long> entry : slots.entrySet()) {
			int slash = entry.getKey().indexOf('/');
			DocumentKey key = new DocumentKey(entry.getKey().substring(0, slash), entry.getKey().substring(slash + 1));
			String reason = reasonById.get(key.id());
			byReasonAndSlot.computeIfAbsent(reason, r -> new LinkedHashMap<>())
				.computeIfAbsent(entry.getValue(), s -> new ArrayList<>()).add(key);
			String type = typeOf(key.collection());
			differences.add(new Difference(Kind.ORPHANED, type, key.collection(), key.id(), reason, BsonBoolean.FALSE,
					null, entry.getValue()));
			tally.add(type, ReconcileTally.ORPHANED, 1);
		}
		return byReasonAndSlot;
	}

	/** Not marked orphaned already, and not changed after the read (an event newer than the read created it). */
	private static boolean isLive(BsonDocument document, long readSlot) {
		return !isOrphaned(document) && (!document.containsKey("lastSlot")
				|| document.getNumber("lastSlot").longValue() <= readSlot);
	}

	private static boolean isOrphaned(BsonDocument document) {
		return document.getBoolean(ReadModelStore.ORPHANED, BsonBoolean.FALSE).getValue();
	}

	private Map<DocumentKey, BsonDocument> load(Collection<DocumentKey> keys) {
		Map<String, List<String>> byCollection = new LinkedHashMap<>();
		keys.forEach(key -> byCollection.computeIfAbsent(key.collection(), c -> new ArrayList<>()).add(key.id()));
		Map<DocumentKey, BsonDocument> documents = new HashMap<>();
		byCollection.forEach((collection, ids) -> database.getCollection(collection, BsonDocument.class)
			.find(Filters.in("_id", ids))
			.forEach(document -> documents.put(new DocumentKey(collection, document.getString("_id").getValue()),
					document)));
		return documents;
	}
}
