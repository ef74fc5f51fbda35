package io.couponsync.jobs.applyevents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.staging.CountCommand;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingStatus;

/**
 * {@code dead_letters}: transactions the apply job could not apply, each with a copy of its input as staged, the
 * reasons and the job execution, for operators to read. Staging's status stays the truth: a letter is written only
 * for a transaction the staging repository moved to dead, and its own status ({@link Status}) only says whether it
 * was re-queued since. Re-queueing (after an IDL or projection fix) moves the transactions back to received.
 */
public final class DeadLetterStore {

	private static final Logger log = LoggerFactory.getLogger(DeadLetterStore.class);

	public static final String COLLECTION = "dead_letters";

	private static final String STATUS = "status";

	private static final String DEAD_AT = "deadAt";

	/** Set on the letters a re-queue is moving, until it has marked them re-queued (see {@link #requeue}). */
	private static final String REQUEUEING = "requeueing";

	/** What a dead letter is about: a transaction still dead, or one re-queued since. */
	public enum Status {
		DEAD, REQUEUED;

		public String value() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** The status a value names, if any. */
		public static Optional<Status> of(String value) {
			for (Status status : values()) {
				if (status.value().equals(value)) {
					return Optional.of(status);
				}
			}
			return Optional.empty();
		}
	}

	private final MongoDatabase database;

	private final MongoCollection<Document> deadLetters;

	private final StagingRepository staging;

	public DeadLetterStore(MongoDatabase database, StagingRepository staging) {
		this.database = database;
		this.deadLetters = database.getCollection(COLLECTION);
		this.staging = staging;
	}

	/** Letters are paged and caught up by the time they were written. */
	void createIndexes() {
		deadLetters.createIndex(Indexes.ascending(DEAD_AT), new IndexOptions().name("dead_at"));
		deadLetters.createIndex(Indexes.ascending(STATUS), new IndexOptions().name("status"));
		deadLetters.createIndex(Indexes.ascending(REQUEUEING), new IndexOptions().name("requeueing").sparse(true));
	}

	/**
	 * Moves these transactions to dead (signature → reasons) and writes a letter for each one the move accepted;
	 * returns how many. why this order: a letter written before the move could be for a transaction the state
	 * machine refuses to call dead. A crash between the move and the letters leaves dead transactions without one;
	 * {@link #recordMissing()} writes those from staging, which keeps the reasons, time and execution with the move.
	 */
	int record(Collection<StagedTransaction> transactions, Map<String, List<String>> reasons, long jobExecutionId) {
		if (reasons.isEmpty()) {
			return 0;
		}
		Map<String, Instant> moved = staging.markDead(reasons, jobExecutionId);
		List<StagingRepository.Dead> letters = new ArrayList<>();
		for (StagedTransaction transaction : transactions) {
			Instant deadAt = moved.get(transaction.signature());
			if (deadAt != null) {
				letters.add(new StagingRepository.Dead(transaction, reasons.get(transaction.signature()), deadAt,
						jobExecutionId));
			}
		}
		write(letters);
		return letters.size();
	}

	/**
	 * Writes the letters a crash between a move to dead and its letters left out: the transactions staging moved to
	 * dead since the newest letter that have no letter saying so. Cheap when nothing is missing: it looks no further
	 * back than the newest letter.
	 */
	long recordMissing() {
		long settled = settleInterruptedRequeues();
		if (settled > 0) {
			log.warn("{} dead letters of an interrupted re-queue (its process stopped after moving staging) now say "
					+ "re-queued", settled);
		}
		Document newest = deadLetters.find().sort(Sorts.descending(DEAD_AT)).projection(Projections.include(DEAD_AT))
			.first();
		// why: letters written together share their move's time; the one just before it finds them all
		Instant after = newest == null ? Instant.EPOCH : newest.getDate(DEAD_AT).toInstant().minusMillis(1);
		List<StagingRepository.Dead> dead = staging.deadBetween(after, Instant.now());
		if (dead.isEmpty()) {
			return 0;
		}
		Map<String, Document> written = new HashMap<>();
		deadLetters.find(Filters.in("_id", dead.stream().map(letter -> letter.transaction().signature()).toList()))
			.projection(Projections.include(DEAD_AT, STATUS))
			.forEach(letter -> written.put(letter.getString("_id"), letter));
		List<StagingRepository.Dead> missing = dead.stream().filter(letter -> {
			Document existing = written.get(letter.transaction().signature());
			// why: a letter re-queued since, or older than the move, is about an earlier death of the transaction
			return existing == null || !Status.DEAD.value().equals(existing.getString(STATUS))
					|| existing.getDate(DEAD_AT).toInstant().isBefore(letter.deadAt());
		}).toList();
		write(missing);
		return missing.size();
	}

	private void write(List<StagingRepository.Dead> letters) {
		if (letters.isEmpty()) {
			return;
		}
		List<WriteModel<Document>> writes = new ArrayList<>(letters.size());
		for (StagingRepository.Dead letter : letters) {
			StagedTransaction transaction = letter.transaction();
			writes.add(new ReplaceOneModel<>(Filters.eq("_id", transaction.signature()),
					new Document("_id", transaction.signature()).append("slot", transaction.slot())
						.append("reasons", letter.reasons())
						.append("jobExecutionId", letter.jobExecutionId())
						.append(DEAD_AT, Date.from(letter.deadAt()))
						.append(STATUS, Status.DEAD.value())
						.append("input", input(transaction)),
					new ReplaceOptions().upsert(true)));
		}
		deadLetters.bulkWrite(writes, new BulkWriteOptions().ordered(false));
	}

	/** The letter's copy of the staged input, in the letter's own shape (for reading, never decoded again). */
	private static Document input(StagedTransaction transaction) {
		Document input = new Document("slot", transaction.slot()).append("err", transaction.err());
		if (transaction.unreadable() == null) {
			input.append("logs", transaction.logs());
		}
		else {
			// why: the copy would claim no logs; staging keeps the document as it is for whoever repairs it
			input.append("unreadable", transaction.unreadable());
		}
		input.append("source", transaction.source().value())
			.append("commitment", transaction.commitment().value());
		if (transaction.receivedAt() != null) {
			input.append("receivedAt", Date.from(transaction.receivedAt()));
		}
		if (transaction.blockTime() != null) {
			input.append("blockTime", transaction.blockTime());
		}
		if (transaction.positionInBlock() != null) {
			input.append("positionInBlock", transaction.positionInBlock());
		}
		if (transaction.innerInstructions() != null) {
			List<Document> inner = new ArrayList<>();
			for (InnerInstruction instruction : transaction.innerInstructions()) {
				inner.add(new Document("programId", instruction.programId()).append("data",
						new Binary(instruction.data())));
			}
			input.append("innerInstructions", inner);
		}
		return input;
	}

	/** Moves every dead transaction back to received; returns how many. */
	public long requeueAll() {
		return requeue(Filters.eq(STATUS, Status.DEAD.value()), staging::requeueDead);
	}

	/** Moves the given dead transactions back to received; returns how many moved. */
	public long requeue(Collection<String> signatures) {
		return requeue(Filters.and(Filters.in("_id", signatures), Filters.eq(STATUS, Status.DEAD.value())),
				() -> staging.requeueDead(signatures));
	}

	/**
	 * Marks the letters, moves staging, then calls the marked letters re-queued. why the mark: a crash after
	 * staging's move would otherwise leave letters saying dead for transactions received again (and applied since);
	 * {@link #recordMissing()} settles marked letters by what staging holds.
	 */
	private long requeue(Bson letters, LongSupplier moveStaging) {
		deadLetters.updateMany(letters, Updates.set(REQUEUEING, true));
		long moved = moveStaging.getAsLong();
		deadLetters.updateMany(Filters.and(letters, Filters.eq(REQUEUEING, true)), requeued());
		return moved;
	}

	private static Bson requeued() {
		return Updates.combine(Updates.set(STATUS, Status.REQUEUED.value()), Updates.set("requeuedAt", new Date()),
				Updates.unset(REQUEUEING));
	}

	/** Settles the letters a re-queue marked and a crash left so: re-queued where staging moved, else still dead. */
	private long settleInterruptedRequeues() {
		List<String> marked = new ArrayList<>();
		deadLetters.find(Filters.eq(REQUEUEING, true)).projection(Projections.include("_id"))
			.forEach(letter -> marked.add(letter.getString("_id")));
		List<String> moved = new ArrayList<>();
		List<String> notMoved = new ArrayList<>();
		for (String signature : marked) {
			boolean dead = staging.find(signature).map(t -> t.status() == StagingStatus.DEAD).orElse(false);
			(dead ? notMoved : moved).add(signature);
		}
		if (!moved.isEmpty()) {
			deadLetters.updateMany(Filters.in("_id", moved), requeued());
		}
		if (!notMoved.isEmpty()) {
			deadLetters.updateMany(Filters.in("_id", notMoved), Updates.unset(REQUEUEING));
		}
		return moved.size();
	}

	/** Letters of transactions still dead. */
	public long count() {
		return CountCommand.count(database, deadLetters, Filters.eq(STATUS, Status.DEAD.value()));
	}

	/**
	 * A page of dead letters, newest first; {@code status} null for every status, and a status no letter can have
	 * ({@link Status}) finds none.
	 */
	public List<Document> page(String status, int skip, int limit) {
		if (status != null && Status.of(status).isEmpty()) {
			return List.of();
		}
		return deadLetters.find(status == null ? new Document() : Filters.eq(STATUS, status))
			.sort(Sorts.descending(DEAD_AT)).skip(skip).limit(limit).into(new ArrayList<>());
	}

	/** One dead letter with its input, if recorded. */
	public Optional<Document> find(String signature) {
		return Optional.ofNullable(deadLetters.find(Filters.eq("_id", signature)).first());
	}
}
