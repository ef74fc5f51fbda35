package io.couponsync.chain.staging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Coverage in MongoDB: {@code listener_checkpoints} (one per listener id), {@code listener_gaps} (one document per
 * gap), {@code listener_heartbeats} (one per listener id) and {@code backfill_checkpoints} (one per program). Each
 * operation is one write or query; gap moves are guarded by the state they move from (an open gap has no
 * {@code toSlot}, a filled one {@code filled: true}).
 */
public final class MongoCoverageRepository implements CoverageRepository {

	static final String CHECKPOINTS = "listener_checkpoints";

	static final String GAPS = "listener_gaps";

	static final String HEARTBEATS = "listener_heartbeats";

	static final String CRAWL_CHECKPOINTS = "backfill_checkpoints";

	private static final String PROGRAM = "programId";

	private static final String LISTENER = "listenerId";

	private static final String FROM = "fromSlot";

	private static final String TO = "toSlot";

	private static final String FILLED = "filled";

	private final MongoCollection<Document> checkpoints;

	private final MongoCollection<Document> gaps;

	private final MongoCollection<Document> heartbeats;

	private final MongoCollection<Document> crawlCheckpoints;

	private final String programId;

	private final MongoDatabase database;

	public MongoCoverageRepository(MongoDatabase database, String programId) {
		this.database = database;
		this.checkpoints = database.getCollection(CHECKPOINTS);
		this.gaps = database.getCollection(GAPS);
		this.heartbeats = database.getCollection(HEARTBEATS);
		this.crawlCheckpoints = database.getCollection(CRAWL_CHECKPOINTS);
		this.programId = programId;
	}

	/** A listener's open gap and a program's unfilled gaps are each found through an index. */
	public void createIndexes() {
		gaps.createIndex(Indexes.ascending(PROGRAM, LISTENER, TO), new IndexOptions().name("listener_open"));
		gaps.createIndex(Indexes.ascending(PROGRAM, FILLED), new IndexOptions().name("program_unfilled"));
		heartbeats.createIndex(Indexes.ascending(PROGRAM), new IndexOptions().name("program"));
	}

	private Bson unfilled() {
		return Filters.and(Filters.eq(PROGRAM, programId), Filters.eq(FILLED, false));
	}

	private static Long longOrNull(Document document, String field) {
		Object value = document.get(field);
		return value instanceof Number number ? number.longValue() : null;
	}

	private static Instant instantOrNull(Document document, String field) {
		Date date = document.getDate(field);
		return date == null ? null : date.toInstant();
	}

	private static Date dateOrNull(Instant instant) {
		return instant == null ? null : Date.from(instant);
	}

	@Override
	public ListenerCoverage listener(String listenerId) {
		return new MongoListenerCoverage(listenerId);
	}

	// ---- the crawler ----

	@Override
	public Optional<CrawlCheckpoint> crawlCheckpoint() {
		Document document = crawlCheckpoints.find(Filters.eq("_id", programId)).first();
		return document == null ? Optional.empty()
				: Optional.of(new CrawlCheckpoint(document.getString("signature"), longOrNull(document, "slot")));
	}

	@Override
	public void advanceCrawl(String signature, long slot) {
		crawlCheckpoints.updateOne(Filters.eq("_id", programId), Updates.combine(Updates.set("signature", signature),
				Updates.set("slot", slot), Updates.set("updatedAt", new Date())), new UpdateOptions().upsert(true));
	}

	@Override
	public long unfilledGapSlots(long tipSlot) {
		long slots = 0;
		for (Document gap : gaps.find(unfilled())) {
			Long to = longOrNull(gap, TO);
			slots += Math.max(0, (to == null ? tipSlot : to) - longOrNull(gap, FROM));
		}
		return slots;
	}

	@Override
	public long fillGapsWithin(long lowestSlot, long highestSlot) {
		return gaps.updateMany(Filters.and(unfilled(), Filters.ne(TO, null), Filters.gte(FROM, lowestSlot),
				Filters.lte(TO, highestSlot)),
				Updates.combine(Updates.set(FILLED, true), Updates.set("filledAt", new Date()))).getModifiedCount();
	}

	// ---- the console ----

	@Override
	public long unfilledGaps() {
		return CountCommand.count(database, gaps, unfilled());
	}

	@Override
	public List<ListenerCoverage.Heartbeat> heartbeats() {
		List<ListenerCoverage.Heartbeat> found = new ArrayList<>();
		heartbeats.find(Filters.eq(PROGRAM, programId)).forEach(document -> found.add(new ListenerCoverage.Heartbeat(
				document.getString("_id"), instantOrNull(document, "connectedSince"),
				instantOrNull(document, "lastNotificationAt"), instantOrNull(document, "beatAt"),
				instantOrNull(document, "expiresAt"))));
		return found;
	}

	/** One listener's documents. */
	private final class MongoListenerCoverage implements ListenerCoverage {

		private final String listenerId;

		MongoListenerCoverage(String listenerId) {
			this.listenerId = listenerId;
		}

		@Override
		public String listenerId() {
			return listenerId;
		}

		@Override
		public Checkpoint checkpoint() {
			Document document = checkpoints.find(Filters.eq("_id", listenerId)).first();
			if (document == null) {
				return new Checkpoint(null, null, null);
			}
			return new Checkpoint(longOrNull(document, "highestSlot"), document.getString("lastSignature"),
					longOrNull(document, "lastRoot"));
		}

		@Override
		public void advance(long highestSlot, String lastSignature, Long lastRoot) {
			Document current = checkpoints.find(Filters.eq("_id", listenerId)).first();
			Long stored = current == null ? null : longOrNull(current, "highestSlot");
			Bson update = Updates.combine(Updates.set(PROGRAM, programId), Updates.set("updatedAt", new Date()),
					Updates.max("highestSlot", highestSlot));
			if (stored == null || highestSlot >= stored) {
				update = Updates.combine(update, Updates.set("lastSignature", lastSignature));
			}
			if (lastRoot != null) {
				update = Updates.combine(update, Updates.max("lastRoot", lastRoot));
			}
			checkpoints.updateOne(Filters.eq("_id", listenerId), update, new UpdateOptions().upsert(true));
		}

		@Override
		public void rememberRoot(long root) {
			checkpoints.updateOne(Filters.eq("_id", listenerId),
					Updates.combine(Updates.max("lastRoot", root), Updates.set(PROGRAM, programId)),
					new UpdateOptions().upsert(true));
		}

		private Bson open() {
			return Filters.and(Filters.eq(PROGRAM, programId), Filters.eq(LISTENER, listenerId), Filters.eq(TO, null));
		}

		@Override
		public boolean openGap(long fromSlot, String reason) {
			// why: an upsert takes the filter's program, listener and missing end slot; the rest is set on insert only
			return gaps.updateOne(open(), Updates.combine(Updates.setOnInsert(FROM, fromSlot),
					Updates.setOnInsert("startedAt", new Date()), Updates.setOnInsert("reason", reason),
					Updates.setOnInsert(FILLED, false)), new UpdateOptions().upsert(true)).getUpsertedId() != null;
		}

		@Override
		public Optional<Gap> closeGap(long toSlot) {
			Document gap = gaps.findOneAndUpdate(open(),
					Updates.combine(Updates.set(TO, toSlot), Updates.set("endedAt", new Date())),
					new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
			return gap == null ? Optional.empty()
					: Optional.of(new Gap(listenerId, longOrNull(gap, FROM), longOrNull(gap, TO),
							gap.getString("reason")));
		}

		@Override
		public void beat(Instant connectedSince, Instant lastNotificationAt, Duration validFor) {
			Instant now = Instant.now();
			heartbeats.updateOne(Filters.eq("_id", listenerId), Updates.combine(Updates.set(PROGRAM, programId),
					Updates.set("connectedSince", dateOrNull(connectedSince)),
					Updates.set("lastNotificationAt", dateOrNull(lastNotificationAt)),
					Updates.set("beatAt", Date.from(now)),
					Updates.set("expiresAt", Date.from(now.plus(validFor)))), new UpdateOptions().upsert(true));
		}
	}
}
