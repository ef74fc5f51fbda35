package io.couponsync.chain.staging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.bson.types.ObjectId;

import io.couponsync.chain.Base58;
import io.couponsync.chain.logs.InnerInstruction;

/**
 * {@code staged_transactions} in MongoDB. Insert-if-absent is one unordered insertMany whose duplicate-key errors
 * count as duplicates, so a duplicate (a second notification, a second listener, the crawler) changes nothing,
 * every insert goes through the unique {@code _id} index, and no multi-document transaction is needed. Every move
 * is one update (or bulk) whose filter holds the statuses the move is allowed from ({@link StagingStatus}).
 */
public final class MongoStagingRepository implements StagingRepository {

	static final String COLLECTION = "staged_transactions";

	private static final int DUPLICATE_KEY = 11000;

	private static final String STATUS = "status";

	private static final String COMMITMENT = "commitment";

	private static final String SLOT = "slot";

	private static final String POSITION = "positionInBlock";

	private static final String BLOCK_TIME = "blockTime";

	/**
	 * Where a transaction sorts within its slot: 0 while its position in the block is unknown, else the position
	 * plus one — the order the read model's change versions give, so chunks are read in the order they apply.
	 */
	private static final String ORDER = "orderInSlot";

	private static final String NEEDS_REFETCH = "needsRefetch";

	private static final String BLOCK_ORDER_PENDING = "blockOrderPending";

	private static final String WAITS = "waits";

	/** The job execution that counted the last wait. */
	private static final String WAITED_IN = "waitedInExecution";

	/** When a dropped transaction was last asked about again (absent: never, so it sorts first). */
	private static final String RECHECKED_AT = "recheckedAt";

	/** When a flagged transaction was last picked to be fetched again: the least recently tried go first. */
	private static final String REFETCH_TRIED_AT = "refetchTriedAt";

	private static final String DEAD_REASONS = "deadReasons";

	private static final String DEAD_AT = "deadAt";

	private static final String DEAD_BY_JOB_EXECUTION = "deadByJobExecution";

	/** The id of the markDead call that moved the transaction, by which that call finds out which ones it moved. */
	private static final String DEAD_MOVE = "deadMove";

	/** What applying the transaction wrote: event ids and read-model document ids by collection. */
	private static final String WRITTEN_EVENTS = "writtenEvents";

	private static final String WRITTEN_DOCUMENTS = "writtenDocuments";

	private static final String NEEDS_ACCOUNT_RESYNC = "needsAccountResync";

	/**
	 * When the transaction was first applied, i.e. first visible in the read model; {@code appliedAt} is the last
	 * time (applied again in block order, replayed, requeued).
	 */
	private static final String FIRST_APPLIED_AT = "firstAppliedAt";

	private final MongoDatabase database;

	private final MongoCollection<Document> collection;

	public MongoStagingRepository(MongoDatabase database) {
		this.database = database;
		this.collection = database.getCollection(COLLECTION);
	}

	/**
	 * The indexes the readers of staging need, each matching its query's equality and sort (status or commitment,
	 * then chain order), plus the sparse flags a few queries look for.
	 */
	public void createIndexes() {
		addOrderInSlot();
		collection.createIndex(Indexes.ascending(STATUS, SLOT, ORDER, "_id"),
				new IndexOptions().name("status_chain_order"));
		collection.createIndex(Indexes.ascending(COMMITMENT, SLOT, ORDER, "_id"),
				new IndexOptions().name("commitment_chain_order"));
		collection.createIndex(Indexes.ascending(SLOT), new IndexOptions().name("slot"));
		collection.createIndex(Indexes.ascending(NEEDS_REFETCH), new IndexOptions().name("needs_refetch").sparse(true));
		collection.createIndex(Indexes.ascending(BLOCK_ORDER_PENDING),
				new IndexOptions().name("block_order_pending").sparse(true));
		collection.createIndex(Indexes.ascending(NEEDS_ACCOUNT_RESYNC, SLOT),
				new IndexOptions().name("needs_account_resync").sparse(true));
		collection.createIndex(Indexes.ascending(DEAD_AT), new IndexOptions().name("dead_at").sparse(true));
	}

	/** Staging written before {@value #ORDER} existed gets it (once: later documents are written with it). */
	private void addOrderInSlot() {
		List<WriteModel<Document>> writes = new ArrayList<>();
		collection.find(Filters.exists(ORDER, false)).projection(Projections.include(POSITION)).forEach(document -> {
			Integer position = document.getInteger(POSITION);
			// why: still without it: a process already running may have recorded its block position since the read
			writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", document.get("_id")),
					Filters.exists(ORDER, false)), Updates.set(ORDER, position == null ? 0 : position + 1)));
		});
		if (!writes.isEmpty()) {
			collection.bulkWrite(writes, new BulkWriteOptions().ordered(false));
		}
	}

	private static Bson statusIn(Set<StagingStatus> statuses) {
		return Filters.in(STATUS, statuses.stream().map(StagingStatus::value).toList());
	}

	private static Bson movableTo(StagingStatus next) {
		return statusIn(StagingStatus.allowedBefore(next));
	}

	private static Bson live() {
		return Filters.ne(STATUS, StagingStatus.DROPPED.value());
	}

	// ---- staging ----

	@Override
	public InsertResult insertIfAbsent(Collection<StagedTransaction> transactions) {
		if (transactions.isEmpty()) {
			return new InsertResult(0, 0);
		}
		List<Document> documents = new ArrayList<>(transactions.size());
		transactions.forEach(transaction -> documents.add(StorableDocuments.storable(inserted(transaction))));
		int duplicates;
		try {
			collection.insertMany(documents, new InsertManyOptions().ordered(false));
			return new InsertResult(documents.size(), 0, 0, unstorable(documents));
		}
		catch (MongoBulkWriteException ex) {
			// why: a duplicate key means the signature is staged already; that document is left as it is
			duplicates = (int) ex.getWriteErrors().stream().filter(error -> error.getCode() == DUPLICATE_KEY).count();
			if (duplicates != ex.getWriteErrors().size()) {
				throw ex;
			}
		}
		int revived = revive(documents);
		return new InsertResult(documents.size() - duplicates, duplicates - revived, revived, unstorable(documents));
	}

	private static int unstorable(List<Document> documents) {
		return (int) documents.stream().filter(StorableDocuments::isUnstorable).count();
	}

	/**
	 * The document an insert writes. One staged already finalized, its position in the block unknown (the crawler
	 * reaching it only after it was final: a first crawl, or after an outage), is flagged for block order. why: the
	 * finality job records block order for the confirmed transactions it settles and never reads a finalized one;
	 * without the flag such a transaction would keep signature order in its slot for good, and the read model
	 * would keep whatever that order wrote.
	 */
	private static Document inserted(StagedTransaction transaction) {
		Document document = toDocument(transaction);
		if (transaction.commitment() == ChainCommitment.FINALIZED && transaction.positionInBlock() == null) {
			document.append(BLOCK_ORDER_PENDING, true);
		}
		return document;
	}

	/** dropped → received: a dropped transaction the chain reports again is staged again with this report. */
	private int revive(List<Document> documents) {
		Map<String, Document> bySignature = new LinkedHashMap<>();
		documents.forEach(document -> bySignature.putIfAbsent(document.getString("_id"), document));
		List<String> dropped = new ArrayList<>();
		collection.find(Filters.and(Filters.in("_id", bySignature.keySet()),
				Filters.eq(STATUS, StagingStatus.DROPPED.value())))
			.projection(Projections.include("_id"))
			.forEach(document -> dropped.add(document.getString("_id")));
		if (dropped.isEmpty()) {
			return 0;
		}
		List<WriteModel<Document>> writes = new ArrayList<>();
		Date now = new Date();
		for (String signature : dropped) {
			Document reported = bySignature.get(signature);
			List<Bson> set = new ArrayList<>(List.of(Updates.set(SLOT, reported.get(SLOT)),
					Updates.set("err", reported.get("err")), Updates.set("source", reported.get("source")),
					Updates.set(STATUS, StagingStatus.RECEIVED.value()),
					Updates.set(COMMITMENT, reported.get(COMMITMENT)), Updates.set("revivedAt", now),
					Updates.unset("droppedAt"), Updates.unset(NEEDS_REFETCH), Updates.unset(RECHECKED_AT)));
			set.add(Updates.set(ORDER, reported.get(ORDER)));
			if (reported.containsKey(BLOCK_ORDER_PENDING)) {
				set.add(Updates.set(BLOCK_ORDER_PENDING, true));
			}
			for (String optional : List.of("logs", "innerInstructions", "blockTime", POSITION,
					StorableDocuments.UNSTORABLE)) {
				set.add(reported.containsKey(optional) ? Updates.set(optional, reported.get(optional))
						: Updates.unset(optional));
			}
			writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", signature),
					Filters.eq(STATUS, StagingStatus.DROPPED.value())), Updates.combine(set)));
		}
		return collection.bulkWrite(writes, new BulkWriteOptions().ordered(false)).getModifiedCount();
	}

	@Override
	public Optional<StagedTransaction> find(String signature) {
		return Optional.ofNullable(collection.find(Filters.eq("_id", signature)).first())
			.map(MongoStagingRepository::fromDocument);
	}

	@Override
	public List<String> existing(Collection<String> signatures) {
		List<String> found = new ArrayList<>();
		collection.find(Filters.in("_id", signatures)).projection(Projections.include(STATUS))
			.forEach(document -> {
				if (!StagingStatus.DROPPED.value().equals(document.getString(STATUS))) {
					found.add(document.getString("_id"));
				}
			});
		return found;
	}

	@Override
	public long count() {
		return collection.countDocuments();
	}

	// ---- pages ----

	private Stream<StagedTransaction> inChainOrder(Bson filter, ChainPosition after, int batchSize) {
		Bson afterPosition = Filters.or(Filters.gt(SLOT, after.slot()),
				Filters.and(Filters.eq(SLOT, after.slot()), Filters.gt(ORDER, after.order())),
				Filters.and(Filters.eq(SLOT, after.slot()), Filters.eq(ORDER, after.order()),
						Filters.gt("_id", after.signature())));
		MongoCursor<Document> cursor = collection.find(Filters.and(filter, afterPosition))
			.sort(Sorts.ascending(SLOT, ORDER, "_id"))
			.batchSize(batchSize)
			.cursor();
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cursor, Spliterator.ORDERED), false)
			.map(MongoStagingRepository::fromDocument)
			.onClose(cursor::close);
	}

	@Override
	public Stream<StagedTransaction> toApply(ChainPosition after, int batchSize) {
		return inChainOrder(Filters.and(Filters.eq(STATUS, StagingStatus.RECEIVED.value()),
				Filters.ne(NEEDS_REFETCH, true)), after, batchSize);
	}

	@Override
	public Stream<StagedTransaction> toSettle(ChainPosition after, long throughSlot, int batchSize) {
		return inChainOrder(Filters.and(Filters.eq(COMMITMENT, ChainCommitment.CONFIRMED.value()),
				Filters.lte(SLOT, throughSlot), live()), after, batchSize);
	}

	@Override
	public List<String> toRefetch(int limit) {
		List<String> signatures = new ArrayList<>();
		collection.find(Filters.and(Filters.eq(NEEDS_REFETCH, true), live()))
			.projection(Projections.include("_id"))
			.sort(Sorts.ascending(REFETCH_TRIED_AT, "_id"))
			.limit(limit)
			.forEach(document -> signatures.add(document.getString("_id")));
		if (!signatures.isEmpty()) {
			collection.updateMany(Filters.in("_id", signatures), Updates.set(REFETCH_TRIED_AT, new Date()));
		}
		return signatures;
	}

	// ---- moves ----

	@Override
	public long markApplied(Collection<Applied> transactions, long jobExecutionId) {
		if (transactions.isEmpty()) {
			return 0;
		}
		// why: built as BSON directly — encoding the same moves through the update builders' codec lookups cost the
		// apply job a sixth of its own time; the filter keeps {_id, status} at the top level, as every index serves it
		BsonDateTime now = new BsonDateTime(System.currentTimeMillis());
		BsonDocument allowedBefore = new BsonDocument("$in", new BsonArray(StagingStatus
			.allowedBefore(StagingStatus.APPLIED).stream().map(status -> (BsonValue) new BsonString(status.value()))
			.toList()));
		BsonDocument unset = new BsonDocument(WAITS, new BsonString("")).append(WAITED_IN, new BsonString(""));
		BsonDocument earliest = new BsonDocument(FIRST_APPLIED_AT, now);
		BsonInt64 execution = new BsonInt64(jobExecutionId);
		List<WriteModel<BsonDocument>> moves = new ArrayList<>(transactions.size());
		for (Applied transaction : transactions) {
			BsonDocument set = new BsonDocument(STATUS, new BsonString(StagingStatus.APPLIED.value()))
				.append("appliedAt", now)
				.append("appliedByJobExecution", execution)
				.append(WRITTEN_EVENTS, strings(transaction.written().events()))
				.append(WRITTEN_DOCUMENTS, writtenDocuments(transaction.written().documents()));
			if (transaction.truncated()) {
				set.append(NEEDS_ACCOUNT_RESYNC, BsonBoolean.TRUE);
			}
			if (transaction.needsRefetch()) {
				set.append(NEEDS_REFETCH, BsonBoolean.TRUE);
			}
			BsonDocument filter = new BsonDocument("_id", new BsonString(transaction.signature()))
				.append(STATUS, allowedBefore);
			if (!transaction.positionKnown()) {
				filter.append(POSITION, new BsonDocument("$exists", BsonBoolean.FALSE));
			}
			moves.add(new UpdateOneModel<>(filter,
					new BsonDocument("$set", set).append("$min", earliest).append("$unset", unset)));
		}
		return collection.withDocumentClass(BsonDocument.class)
			.bulkWrite(moves, new BulkWriteOptions().ordered(false))
			.getModifiedCount();
	}

	private static BsonArray strings(List<String> values) {
		BsonArray array = new BsonArray(new ArrayList<>(values.size()));
		values.forEach(value -> array.add(new BsonString(value)));
		return array;
	}

	private static BsonDocument writtenDocuments(Map<String, List<String>> documents) {
		BsonDocument written = new BsonDocument();
		documents.forEach((name, ids) -> written.append(name, strings(ids)));
		return written;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Map<String, Written> writtenBy(Collection<String> signatures) {
		Map<String, Written> written = new HashMap<>();
		if (signatures.isEmpty()) {
			return written;
		}
		collection.find(Filters.in("_id", signatures))
			.projection(Projections.include(WRITTEN_EVENTS, WRITTEN_DOCUMENTS))
			.forEach(document -> {
				Document documents = document.get(WRITTEN_DOCUMENTS, Document.class);
				if (documents != null) {
					Map<String, List<String>> byCollection = new LinkedHashMap<>();
					documents.forEach((name, ids) -> byCollection.put(name, (List<String>) ids));
					written.put(document.getString("_id"),
							new Written(document.getList(WRITTEN_EVENTS, String.class, List.of()), byCollection));
				}
			});
		return written;
	}

	@Override
	public Map<String, Instant> markDead(Map<String, List<String>> reasons, long jobExecutionId) {
		if (reasons.isEmpty()) {
			return Map.of();
		}
		Date now = new Date();
		ObjectId move = new ObjectId();
		List<WriteModel<Document>> moves = new ArrayList<>(reasons.size());
		reasons.forEach((signature, why) -> moves.add(new UpdateOneModel<>(
				Filters.and(Filters.eq("_id", signature), movableTo(StagingStatus.DEAD)),
				Updates.combine(Updates.set(STATUS, StagingStatus.DEAD.value()), Updates.set(DEAD_REASONS, why),
						Updates.set(DEAD_AT, now), Updates.set(DEAD_BY_JOB_EXECUTION, jobExecutionId),
						Updates.set(DEAD_MOVE, move)))));
		long modified = collection.bulkWrite(moves, new BulkWriteOptions().ordered(false)).getModifiedCount();
		Map<String, Instant> moved = new LinkedHashMap<>();
		if (modified == reasons.size()) {
			reasons.keySet().forEach(signature -> moved.put(signature, now.toInstant()));
		}
		else if (modified > 0) {
			// why: a bulk write counts the moves but does not say which; this move's id on each moved document does
			collection.find(Filters.and(Filters.in("_id", reasons.keySet()), Filters.eq(DEAD_MOVE, move)))
				.projection(Projections.include("_id"))
				.forEach(document -> moved.put(document.getString("_id"), now.toInstant()));
		}
		return moved;
	}

	@Override
	public List<Dead> deadBetween(Instant after, Instant through) {
		List<Dead> dead = new ArrayList<>();
		collection.find(Filters.and(Filters.gt(DEAD_AT, Date.from(after)), Filters.lte(DEAD_AT, Date.from(through)),
				Filters.eq(STATUS, StagingStatus.DEAD.value())))
			.sort(Sorts.ascending(DEAD_AT, "_id"))
			.forEach(document -> dead.add(new Dead(fromDocument(document),
					document.getList(DEAD_REASONS, String.class, List.of()), document.getDate(DEAD_AT).toInstant(),
					document.get(DEAD_BY_JOB_EXECUTION, Number.class) == null ? 0
							: document.get(DEAD_BY_JOB_EXECUTION, Number.class).longValue())));
		return dead;
	}

	@Override
	public Map<String, Integer> countWaits(Collection<String> signatures, int maxWaits, long jobExecutionId) {
		Map<String, Integer> exhausted = new LinkedHashMap<>();
		if (signatures.isEmpty()) {
			return exhausted;
		}
		Bson waiting = Filters.and(Filters.in("_id", signatures), Filters.eq(STATUS, StagingStatus.RECEIVED.value()));
		// why: once per execution: a retried chunk or a skip scan writes the same transactions again
		collection.updateMany(Filters.and(waiting, Filters.ne(WAITED_IN, jobExecutionId)),
				Updates.combine(Updates.inc(WAITS, 1), Updates.set(WAITED_IN, jobExecutionId)));
		collection.find(Filters.and(waiting, Filters.gte(WAITS, maxWaits))).projection(Projections.include(WAITS))
			.forEach(document -> exhausted.put(document.getString("_id"), document.getInteger(WAITS)));
		return exhausted;
	}

	@Override
	public Long newestSlot(StagingStatus status) {
		return newestSlot(status == null ? live() : Filters.eq(STATUS, status.value()));
	}

	@Override
	public Long oldestUnsettledSlot() {
		Document oldest = collection.find(Filters.and(Filters.eq(COMMITMENT, ChainCommitment.CONFIRMED.value()), live()))
			.sort(Sorts.ascending(SLOT))
			.projection(Projections.include(SLOT))
			.limit(1)
			.first();
		return oldest == null ? null : ((Number) oldest.get(SLOT)).longValue();
	}

	@Override
	public Long newestFinalizedSlot() {
		return newestSlot(Filters.eq(COMMITMENT, ChainCommitment.FINALIZED.value()));
	}

	private Long newestSlot(Bson filter) {
		Document newest = collection.find(filter).sort(Sorts.descending(SLOT)).projection(Projections.include(SLOT))
			.limit(1).first();
		return newest == null ? null : ((Number) newest.get(SLOT)).longValue();
	}

	@Override
	public long requeueDead() {
		return requeue(Filters.eq(STATUS, StagingStatus.DEAD.value()));
	}

	@Override
	public long requeueDead(Collection<String> signatures) {
		if (signatures.isEmpty()) {
			return 0;
		}
		return requeue(Filters.and(Filters.in("_id", signatures), Filters.eq(STATUS, StagingStatus.DEAD.value())));
	}

	private long requeue(Bson dead) {
		return collection.updateMany(dead, Updates.combine(Updates.set(STATUS, StagingStatus.RECEIVED.value()),
				Updates.unset(DEAD_REASONS), Updates.unset(DEAD_MOVE), Updates.unset(WAITS), Updates.unset(WAITED_IN),
				Updates.set("requeuedAt", new Date())))
			.getModifiedCount();
	}

	@Override
	public long replayFrom(long slot) {
		return collection.updateMany(Filters.and(Filters.eq(STATUS, StagingStatus.APPLIED.value()),
				Filters.gte(SLOT, slot)), Updates.set(STATUS, StagingStatus.RECEIVED.value())).getModifiedCount();
	}

	@Override
	public long markFinalized(Collection<String> signatures) {
		if (signatures.isEmpty()) {
			return 0;
		}
		return collection.updateMany(
				Filters.and(Filters.in("_id", signatures), Filters.eq(COMMITMENT, ChainCommitment.CONFIRMED.value()),
						live()),
				Updates.combine(Updates.set(COMMITMENT, ChainCommitment.FINALIZED.value()),
						Updates.set("finalizedAt", new Date())))
			.getModifiedCount();
	}

	@Override
	public long drop(Collection<String> signatures) {
		if (signatures.isEmpty()) {
			return 0;
		}
		return collection.updateMany(Filters.and(Filters.in("_id", signatures), movableTo(StagingStatus.DROPPED),
				Filters.ne(COMMITMENT, ChainCommitment.FINALIZED.value())),
				Updates.combine(Updates.set(STATUS, StagingStatus.DROPPED.value()),
						Updates.set(COMMITMENT, ChainCommitment.DROPPED.value()), Updates.set("droppedAt", new Date()),
						Updates.unset(NEEDS_REFETCH)))
			.getModifiedCount();
	}

	@Override
	public long reland(Map<String, Long> newSlots) {
		if (newSlots.isEmpty()) {
			return 0;
		}
		List<WriteModel<Document>> moves = new ArrayList<>();
		Date now = new Date();
		newSlots.forEach((signature, slot) -> moves.add(new UpdateOneModel<>(
				Filters.and(Filters.eq("_id", signature), live(),
						Filters.ne(COMMITMENT, ChainCommitment.FINALIZED.value())),
				Updates.combine(Updates.set(SLOT, slot), Updates.unset(POSITION), Updates.unset(BLOCK_TIME),
						Updates.set(ORDER, 0),
						Updates.set(STATUS, StagingStatus.RECEIVED.value()),
						Updates.set(COMMITMENT, ChainCommitment.CONFIRMED.value()), Updates.set(NEEDS_REFETCH, true),
						Updates.set("relandedAt", now)))));
		return collection.bulkWrite(moves, new BulkWriteOptions().ordered(false)).getModifiedCount();
	}

	@Override
	public long completeRefetch(Collection<StagedTransaction> fetched) {
		if (fetched.isEmpty()) {
			return 0;
		}
		Date now = new Date();
		List<WriteModel<Document>> completions = new ArrayList<>(fetched.size());
		for (StagedTransaction transaction : fetched) {
			Document complete = StorableDocuments.storable(toDocument(transaction));
			// why: at the slot staged only: one the chain now reports elsewhere landed again after a fork, which the
			// finality job must see (staged slot against status slot) to undo what it did first; moved here, it
			// would never be undone
			completions.add(new UpdateOneModel<>(
					Filters.and(Filters.eq("_id", transaction.signature()), Filters.eq(NEEDS_REFETCH, true), live(),
							Filters.eq(SLOT, complete.get(SLOT))),
					Updates.combine(Updates.set("err", complete.get("err")), content(complete),
							Updates.set("blockTime", complete.get("blockTime")),
							Updates.set(STATUS, StagingStatus.RECEIVED.value()), Updates.unset(NEEDS_REFETCH),
							Updates.set("refetchedAt", now))));
		}
		return collection.bulkWrite(completions, new BulkWriteOptions().ordered(false)).getModifiedCount();
	}

	/** Sets a fetched transaction's logs and inner instructions, or says why it holds none. */
	private static Bson content(Document complete) {
		if (StorableDocuments.isUnstorable(complete)) {
			return Updates.combine(Updates.unset("logs"), Updates.unset("innerInstructions"),
					Updates.set(StorableDocuments.UNSTORABLE, complete.get(StorableDocuments.UNSTORABLE)));
		}
		return Updates.combine(Updates.set("logs", complete.get("logs")),
				Updates.set("innerInstructions", complete.get("innerInstructions")),
				Updates.unset(StorableDocuments.UNSTORABLE));
	}

	@Override
	public long flagForRefetch(Collection<String> signatures) {
		if (signatures.isEmpty()) {
			return 0;
		}
		return collection.updateMany(Filters.and(Filters.in("_id", signatures), live()),
				Updates.set(NEEDS_REFETCH, true)).getModifiedCount();
	}

	@Override
	public long recordBlockPositions(Map<String, Integer> positions, Collection<String> applyAgain,
			Collection<String> settled) {
		// why: a position and the move back to received in one update per document, the pending flag cleared last:
		// once a position is stored, the next read of the slot no longer sends the transaction back, so a crash
		// between separate writes would leave it applied in signature order for good
		long requeued = 0;
		Set<String> again = new HashSet<>(applyAgain);
		List<WriteModel<Document>> requeue = new ArrayList<>();
		List<WriteModel<Document>> place = new ArrayList<>();
		positions.forEach((signature, position) -> {
			Bson set = Updates.combine(Updates.set(POSITION, position), Updates.set(ORDER, position + 1));
			Bson unplaced = Filters.and(Filters.eq("_id", signature), Filters.exists(POSITION, false));
			if (again.contains(signature)) {
				requeue.add(new UpdateOneModel<>(Filters.and(unplaced, Filters.eq(STATUS, StagingStatus.APPLIED.value())),
						Updates.combine(set, Updates.set(STATUS, StagingStatus.RECEIVED.value()))));
				// why: disjoint from the move, so the two bulks may run in any order
				place.add(new UpdateOneModel<>(Filters.and(unplaced, Filters.ne(STATUS, StagingStatus.APPLIED.value())),
						set));
			}
			else {
				place.add(new UpdateOneModel<>(unplaced, set));
			}
		});
		if (!requeue.isEmpty()) {
			requeued = collection.bulkWrite(requeue, new BulkWriteOptions().ordered(false)).getModifiedCount();
		}
		if (!place.isEmpty()) {
			collection.bulkWrite(place, new BulkWriteOptions().ordered(false));
		}
		if (!settled.isEmpty()) {
			// why: by signature, not by slot: one staged into the slot after the caller read it keeps its flag
			collection.updateMany(Filters.and(Filters.in("_id", settled), Filters.eq(BLOCK_ORDER_PENDING, true)),
					Updates.unset(BLOCK_ORDER_PENDING));
		}
		return requeued;
	}

	@Override
	public long markBlockOrderPending(Collection<Long> slots) {
		if (slots.isEmpty()) {
			return 0;
		}
		return collection.updateMany(Filters.and(Filters.in(SLOT, slots), live(), Filters.exists(POSITION, false)),
				Updates.set(BLOCK_ORDER_PENDING, true)).getModifiedCount();
	}

	@Override
	public long markAccountsResynced(Collection<String> signatures) {
		if (signatures.isEmpty()) {
			return 0;
		}
		return collection.updateMany(Filters.and(Filters.in("_id", signatures), Filters.eq(NEEDS_ACCOUNT_RESYNC, true)),
				Updates.combine(Updates.unset(NEEDS_ACCOUNT_RESYNC), Updates.set("accountsResyncedAt", new Date())))
			.getModifiedCount();
	}

	// ---- reads ----

	private static Standing standing(Document document) {
		return new Standing(document.getString("_id"), document.get(SLOT, Number.class).longValue(),
				StagingStatus.of(document.getString(STATUS)), ChainCommitment.of(document.getString(COMMITMENT)),
				document.getInteger(POSITION));
	}

	private static final Bson STANDING = Projections.include(SLOT, STATUS, COMMITMENT, POSITION);

	@Override
	public List<Standing> standingInSlots(Collection<Long> slots) {
		List<Standing> found = new ArrayList<>();
		if (!slots.isEmpty()) {
			collection.find(Filters.and(Filters.in(SLOT, slots), live())).projection(STANDING)
				.forEach(document -> found.add(standing(document)));
		}
		return found;
	}

	@Override
	public List<Long> slotsPendingBlockOrder(int limit) {
		Set<Long> slots = new TreeSet<>();
		// why: a first crawl flags its whole history; reading every flagged document on each run would cost more
		// with every run until the backlog drains, so the read stops at the limit (in no particular order)
		try (MongoCursor<Document> flagged = collection.find(Filters.and(Filters.eq(BLOCK_ORDER_PENDING, true),
				live())).projection(Projections.include(SLOT)).iterator()) {
			while (slots.size() < limit && flagged.hasNext()) {
				slots.add(flagged.next().get(SLOT, Number.class).longValue());
			}
		}
		return List.copyOf(slots);
	}

	@Override
	public List<Long> unplacedSlotsToApply(int transactions) {
		Set<Long> slots = new TreeSet<>();
		// why: the reader's selection; order 0 (position unknown) rather than a missing position, so the
		// status_chain_order index answers it whole, and it stops after the first ones
		collection.find(Filters.and(Filters.eq(STATUS, StagingStatus.RECEIVED.value()), Filters.ne(NEEDS_REFETCH, true),
				Filters.eq(ORDER, 0)))
			.projection(Projections.include(SLOT))
			.sort(Sorts.ascending(SLOT))
			.limit(transactions)
			.forEach(document -> slots.add(document.get(SLOT, Number.class).longValue()));
		return List.copyOf(slots);
	}

	@Override
	public long recordBlockTimes(Map<String, Long> blockTimeBySignature) {
		if (blockTimeBySignature.isEmpty()) {
			return 0;
		}
		Map<Long, List<String>> byTime = new TreeMap<>();
		blockTimeBySignature.forEach((signature, time) -> byTime.computeIfAbsent(time, t -> new ArrayList<>())
			.add(signature));
		List<WriteModel<Document>> writes = new ArrayList<>(byTime.size());
		byTime.forEach((time, signatures) -> writes.add(new UpdateManyModel<>(
				Filters.and(Filters.in("_id", signatures), Filters.eq(BLOCK_TIME, null)), Updates.set(BLOCK_TIME, time))));
		return collection.bulkWrite(writes, new BulkWriteOptions().ordered(false)).getModifiedCount();
	}

	@Override
	public Map<String, Standing> standing(Collection<String> signatures) {
		Map<String, Standing> found = new HashMap<>();
		if (!signatures.isEmpty()) {
			collection.find(Filters.in("_id", signatures)).projection(STANDING)
				.forEach(document -> found.put(document.getString("_id"), standing(document)));
		}
		return found;
	}

	@Override
	public List<Standing> liveInSlots(long fromSlot, long throughSlot) {
		List<Standing> found = new ArrayList<>();
		collection.find(Filters.and(Filters.gte(SLOT, fromSlot), Filters.lte(SLOT, throughSlot), live()))
			.projection(STANDING)
			.forEach(document -> found.add(standing(document)));
		return found;
	}

	@Override
	public List<String> droppedFrom(long fromSlot) {
		Set<String> found = new HashSet<>();
		collection.find(Filters.and(Filters.eq(STATUS, StagingStatus.DROPPED.value()), Filters.gte(SLOT, fromSlot)))
			.projection(Projections.include("_id"))
			.forEach(document -> found.add(document.getString("_id")));
		return new ArrayList<>(found);
	}

	@Override
	public List<String> droppedToRecheck(long fromSlot, int limit) {
		List<String> picked = new ArrayList<>();
		collection.find(Filters.and(Filters.eq(STATUS, StagingStatus.DROPPED.value()), Filters.gte(SLOT, fromSlot)))
			.projection(Projections.include("_id"))
			.sort(Sorts.ascending(RECHECKED_AT, SLOT, "_id"))
			.limit(limit)
			.forEach(document -> picked.add(document.getString("_id")));
		if (!picked.isEmpty()) {
			collection.updateMany(Filters.in("_id", picked), Updates.set(RECHECKED_AT, new Date()));
		}
		return picked;
	}

	@Override
	public List<Standing> needingAccountResync(long throughSlot, int limit) {
		List<Standing> found = new ArrayList<>();
		collection.find(Filters.and(Filters.eq(NEEDS_ACCOUNT_RESYNC, true), Filters.lte(SLOT, throughSlot), live()))
			.sort(Sorts.ascending(SLOT, "_id"))
			.limit(limit)
			.projection(STANDING)
			.forEach(document -> found.add(standing(document)));
		return found;
	}

	@Override
	public Unsettled unsettled() {
		Bson confirmed = Filters.and(Filters.eq(COMMITMENT, ChainCommitment.CONFIRMED.value()), live());
		Document oldest = collection.find(confirmed).sort(Sorts.ascending("receivedAt"))
			.projection(Projections.include("receivedAt")).first();
		Instant oldestAt = oldest == null || oldest.getDate("receivedAt") == null ? null
				: oldest.getDate("receivedAt").toInstant();
		return new Unsettled(CountCommand.count(database, collection, confirmed), oldestAt);
	}

	@Override
	public Map<Instant, Long> unsettledReceivedBefore(Collection<Instant> instants) {
		Map<Instant, Long> counts = new LinkedHashMap<>();
		instants.forEach(instant -> counts.put(instant, 0L));
		if (instants.isEmpty()) {
			return counts;
		}
		Instant latest = instants.stream().max(Instant::compareTo).orElseThrow();
		collection.find(Filters.and(Filters.eq(COMMITMENT, ChainCommitment.CONFIRMED.value()), live(),
				Filters.lt("receivedAt", Date.from(latest))))
			.projection(Projections.include("receivedAt"))
			.forEach(document -> {
				Instant received = document.getDate("receivedAt").toInstant();
				counts.replaceAll((before, count) -> received.isBefore(before) ? count + 1 : count);
			});
		return counts;
	}

	// ---- mapping ----

	private static Document toDocument(StagedTransaction transaction) {
		Document document = new Document("_id", transaction.signature())
			.append(SLOT, transaction.slot())
			.append("err", transaction.err())
			.append("logs", transaction.logs())
			.append("receivedAt", Date.from(transaction.receivedAt()))
			.append("source", transaction.source().value())
			.append(STATUS, transaction.status().value())
			.append(COMMITMENT, transaction.commitment().value());
		if (transaction.blockTime() != null) {
			document.append("blockTime", transaction.blockTime());
		}
		if (transaction.positionInBlock() != null) {
			document.append(POSITION, transaction.positionInBlock());
		}
		document.append(ORDER, transaction.positionInBlock() == null ? 0 : transaction.positionInBlock() + 1);
		if (transaction.innerInstructions() != null) {
			List<Document> inner = new ArrayList<>();
			for (InnerInstruction instruction : transaction.innerInstructions()) {
				inner.add(new Document("programId", instruction.programId()).append("data",
						new Binary(instruction.data())));
			}
			document.append("innerInstructions", inner);
		}
		return document;
	}

	/**
	 * The staged transaction a document holds. Where its content (logs, inner instructions, times) cannot be
	 * read, the transaction says why ({@link StagedTransaction#unreadable()}) so that the apply job dead-letters it
	 * and goes on; where what places it (key, slot, status, commitment, source, position) cannot, nothing can be
	 * done with it safely — a status this version does not know may be a newer version's — so it is an
	 * {@link IllegalStateException} naming the document and what is wrong.
	 */
	private static StagedTransaction fromDocument(Document document) {
		String signature;
		long slot;
		StagingStatus status;
		ChainCommitment commitment;
		StagingSource source;
		Integer position;
		try {
			signature = document.getString("_id");
			Number slotNumber = (Number) document.get(SLOT);
			if (slotNumber == null) {
				throw new IllegalArgumentException("it has no slot");
			}
			slot = slotNumber.longValue();
			status = StagingStatus.of(document.getString(STATUS));
			commitment = ChainCommitment.of(document.getString(COMMITMENT));
			source = StagingSource.of(document.getString("source"));
			position = document.getInteger(POSITION);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("staged transaction " + document.get("_id") + " cannot be read: " + ex,
					ex);
		}
		try {
			if (document.get(StorableDocuments.UNSTORABLE) != null) {
				throw new IllegalArgumentException("the transaction is not stored whole: "
						+ document.get(StorableDocuments.UNSTORABLE));
			}
			List<String> logs = document.getList("logs", String.class);
			if (logs == null || logs.contains(null)) {
				throw new IllegalArgumentException(logs == null ? "it has no logs" : "a log line is null");
			}
			Date receivedAt = document.getDate("receivedAt");
			Number blockTime = (Number) document.get("blockTime");
			return new StagedTransaction(signature, slot, document.get("err"), logs,
					receivedAt == null ? null : receivedAt.toInstant(), source, status, commitment,
					blockTime == null ? null : blockTime.longValue(), innerInstructions(document), position);
		}
		catch (RuntimeException ex) {
			// why: the error is any value and always reads; a letter that dropped it would claim a success
			return new StagedTransaction(signature, slot, document.get("err"), List.of(),
					document.get("receivedAt") instanceof Date receivedAt ? receivedAt.toInstant() : null, source,
					status, commitment, document.get("blockTime") instanceof Number blockTime ? blockTime.longValue() : null, null,
					position, ex.toString());
		}
	}

	private static List<InnerInstruction> innerInstructions(Document document) {
		List<Document> innerDocuments = document.getList("innerInstructions", Document.class);
		if (innerDocuments == null) {
			return null;
		}
		List<InnerInstruction> inner = new ArrayList<>();
		for (Document instruction : innerDocuments) {
			String programId = instruction.getString("programId");
			Object data = instruction.get("data");
			if (programId == null || data == null) {
				throw new IllegalArgumentException(
						"an inner instruction has no " + (programId == null ? "programId" : "data"));
			}
			byte[] bytes = data instanceof Binary binary ? binary.getData() : Base58.decode((String) data);
			inner.add(new InnerInstruction(programId, bytes));
		}
		return inner;
	}
}
