package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoDatabase;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Counters by journal entries over the MongoDB wire: applied once, finished after a crash, a read as their base. */
class CounterJournalIT {

	private WireDatabase wire;

	private MongoDatabase database;

	private CounterJournal journal;

	@BeforeEach
	void start() {
		wire = new WireDatabase();
		database = wire.database("journal");
		journal = new CounterJournal(database);
	}

	@AfterEach
	void stop() {
		wire.close();
	}

	private static ChangeVersion version(long slot) {
		return new ChangeVersion(slot, 0, "sig" + slot, 0);
	}

	private long likes(String comment) {
		return ((Number) database.getCollection("comments").find(new Document("_id", comment)).first().get("likes"))
			.longValue();
	}

	@Test
	void appliesAnEntryOnceEvenWhenItIsCompletedAgain() {
		CounterJournal.Increments increments = new CounterJournal.Increments();
		increments.add("comments", "c1", "likes", 1, version(10));
		increments.add("comments", "c1", "likes", 1, version(11));
		Document entry = journal.open("entry-1", increments, CounterJournal.FollowUps.countEvents(List.of()));

		journal.complete(entry, () -> {
		});
		journal.complete(entry, () -> {
		});

		assertThat(likes("c1")).isEqualTo(2);
		assertThat(database.getCollection(CounterJournal.COLLECTION).countDocuments()).isZero();
	}

	@Test
	void anEntryOpenedAgainUnderItsIdHoldsTheNewIncrementsOnly() {
		CounterJournal.Increments first = new CounterJournal.Increments();
		first.add("comments", "c1", "likes", 5, version(10));
		journal.open("redone", first, CounterJournal.FollowUps.countEvents(List.of("sig:0")));
		CounterJournal.Increments again = new CounterJournal.Increments();
		again.add("comments", "c1", "likes", 1, version(10));
		journal.open("redone", again, CounterJournal.FollowUps.countEvents(List.of()));

		assertThat(journal.completePending()).isEqualTo(1);

		assertThat(likes("c1")).isEqualTo(1);
		assertThat(new ChainEventLog(database).uncounted(List.of("sig:0"))).containsExactly("sig:0");
	}

	@Test
	void aCounterDocumentCreatedMeanwhileIsIncrementedInsteadOfInserted() {
		database.getCollection("comments").insertOne(new Document("_id", "c1").append("likes", 4L)
			.append("text", "first"));
		BsonDocument update = new BsonDocument("$set", new BsonDocument(CounterJournal.COUNTED,
				new BsonDocument("likes", new BsonString("k"))))
			.append("$inc", new BsonDocument("likes", new BsonInt64(2)));
		BsonDocument fresh = new BsonDocument("$set", new BsonDocument("shown", BsonBoolean.TRUE))
			.append("$inc", new BsonDocument("likes", new BsonInt64(1)));
		Map<String, BsonDocument> creations = new LinkedHashMap<>();
		creations.put("c1", update);
		creations.put("c2", fresh);

		CounterJournal.create(database.getCollection("comments", BsonDocument.class), creations);

		assertThat(database.getCollection("comments").find(new Document("_id", "c1")).first())
			.isEqualTo(new Document("_id", "c1").append("likes", 6L).append("text", "first")
				.append(CounterJournal.COUNTED, new Document("likes", "k")));
		assertThat(database.getCollection("comments").find(new Document("_id", "c2")).first())
			.isEqualTo(new Document("_id", "c2").append("shown", true).append("likes", 1L));
	}

	@Test
	void eachCounterKeepsTheNewestChangeItCountedWhenAnotherIsIncrementedLater() {
		CounterJournal.Increments likes = new CounterJournal.Increments();
		likes.add("comments", "c1", "likes", 1, version(30));
		journal.apply("likes", likes, CounterJournal.FollowUps.countEvents(List.of()));
		CounterJournal.Increments replies = new CounterJournal.Increments();
		replies.add("comments", "c1", "replies", 2, version(20));
		journal.apply("replies", replies, CounterJournal.FollowUps.countEvents(List.of()));
		CounterJournal.Increments older = new CounterJournal.Increments();
		older.add("comments", "c1", "likes", 1, version(25));
		journal.apply("older", older, CounterJournal.FollowUps.countEvents(List.of()));

		Document comment = database.getCollection("comments").find(new Document("_id", "c1")).first();
		assertThat(comment).containsEntry("likes", 2L).containsEntry("replies", 2L);
		assertThat(comment.get(CounterJournal.COUNTED, Document.class))
			.as("an older change adds but does not move the newest counted back; the other counter's stays")
			.containsEntry("likes", version(30).key())
			.containsEntry("replies", version(20).key())
			.hasSize(2);
	}

	@Test
	void finishesAnEntryACrashLeftAndMarksItsEventsCounted() {
		ChainEventLog log = new ChainEventLog(database);
		database.getCollection(ChainEventLog.COLLECTION).insertOne(new Document("_id", "sig:0").append("signature", "sig"));
		assertThat(log.uncounted(List.of("sig:0"))).containsExactly("sig:0");
		CounterJournal.Increments increments = new CounterJournal.Increments();
		increments.add("comments", "c1", "likes", 3, version(10));
		journal.open("left-by-a-crash", increments, CounterJournal.FollowUps.countEvents(List.of("sig:0")));
		// a crash after the follow-up began: its markers are recorded again without error
		log.markCounted(List.of("sig:0"));

		assertThat(journal.completePending()).isEqualTo(1);
		assertThat(journal.completePending()).isZero();

		assertThat(likes("c1")).isEqualTo(3);
		assertThat(log.uncounted(List.of("sig:0"))).isEmpty();
	}

	@Test
	void anEventLoggedWithTheOlderCountedFlagStaysCountedAndAForkUncountsWhatItForgets() {
		ChainEventLog log = new ChainEventLog(database);
		database.getCollection(ChainEventLog.COLLECTION).insertMany(List.of(
				new Document("_id", "old:0").append("signature", "old").append("counted", true),
				new Document("_id", "old:1").append("signature", "old").append("counted", false),
				new Document("_id", "new:0").append("signature", "new")));
		log.markCounted(List.of("new:0"));

		assertThat(log.uncounted(List.of("old:0", "old:1", "new:0"))).containsExactly("old:1");

		log.delete(List.of("new"));
		assertThat(database.getCollection(ChainEventLog.COUNTED_COLLECTION).countDocuments())
			.as("logged again after the fork, the event is counted again").isZero();
		database.getCollection(ChainEventLog.COLLECTION).insertOne(new Document("_id", "new:0").append("signature", "new"));
		assertThat(log.uncounted(List.of("new:0"))).containsExactly("new:0");
	}

	@Test
	void aValueReadFromTheAccountIsTheBaseLaterChangesAddTo() {
		// as a reconciliation read at slot 20 writes it: the value and, in _versions, the read's version
		database.getCollection("comments").insertOne(new Document("_id", "c1").append("likes", 5L)
			.append(ReadModelStore.VERSIONS, new Document("likes", ChangeVersion.endOfSlot(20, "chain").key())));
		CounterJournal.Increments late = new CounterJournal.Increments();
		late.add("comments", "c1", "likes", 1, version(15));
		late.add("comments", "c1", "likes", 1, version(25));
		CounterJournal.Increments dropped = new CounterJournal.Increments();
		dropped.add("comments", "c1", "likes", -1, version(18));

		journal.apply("late", late, CounterJournal.FollowUps.countEvents(List.of()));
		journal.apply("fork", dropped, CounterJournal.FollowUps.countEvents(List.of()));

		assertThat(likes("c1")).as("slot 15 and the fork's slot 18 are in the read already; slot 25 adds").isEqualTo(6);
	}

	@Test
	void aDerivedFieldFollowsItsCounterInTheCountersOwnUpdate() {
		CounterJournal derived = new CounterJournal(database, Projections.derivedFields());
		var stats = database.getCollection(Projections.USER_STATS);
		CounterJournal.Increments first = new CounterJournal.Increments();
		first.add(Projections.USER_STATS, "u1", "reputationScore", 60, version(10));
		first.add(Projections.USER_STATS, "u1", "reputationScore", 50, version(11));
		derived.apply("first", first, CounterJournal.FollowUps.countEvents(List.of()));
		assertThat(stats.find(new Document("_id", "u1")).first()).containsEntry("reputationScore", 110L)
			.containsEntry("tier", "Silver");

		// a reconciliation read at slot 20: 1,990 points, Gold
		stats.updateOne(new Document("_id", "u1"), new Document("$set", new Document("reputationScore", 1_990L)
			.append("tier", "Gold").append(ReadModelStore.VERSIONS + ".reputationScore",
					ChangeVersion.endOfSlot(20, "chain").key())
			.append(ReadModelStore.VERSIONS + ".tier", ChangeVersion.endOfSlot(20, "chain").key())));
		CounterJournal.Increments late = new CounterJournal.Increments();
		late.add(Projections.USER_STATS, "u1", "reputationScore", 500, version(15));
		late.add(Projections.USER_STATS, "u1", "reputationScore", 10, version(21));
		derived.apply("late", late, CounterJournal.FollowUps.countEvents(List.of()));
		Document promoted = stats.find(new Document("_id", "u1")).first();
		assertThat(promoted).as("slot 15 is in the read; slot 21's +10 reaches 2,000")
			.containsEntry("reputationScore", 2_000L).containsEntry("tier", "Platinum");
		assertThat(promoted.get(ReadModelStore.VERSIONS, Document.class))
			.as("the tier's new version beside the read's version of the score, which stays")
			.containsEntry("tier", version(21).key())
			.containsEntry("reputationScore", ChangeVersion.endOfSlot(20, "chain").key());
		assertThat(promoted.get(CounterJournal.COUNTED, Document.class))
			.containsEntry("reputationScore", version(21).key());

		CounterJournal.Increments fork = new CounterJournal.Increments();
		fork.add(Projections.USER_STATS, "u1", "reputationScore", -10, version(21));
		derived.apply("fork", fork, CounterJournal.FollowUps.countEvents(List.of()));
		assertThat(stats.find(new Document("_id", "u1")).first()).containsEntry("reputationScore", 1_990L)
			.containsEntry("tier", "Gold");

		// a document that shows its score but no tier (written before tiers were derived) gets it from a zero
		stats.insertOne(new Document("_id", "u2").append("reputationScore", 10_000L));
		CounterJournal.Increments touched = new CounterJournal.Increments();
		touched.add(Projections.USER_STATS, "u2", "reputationScore", 0, null);
		derived.apply("touched", touched, CounterJournal.FollowUps.countEvents(List.of()));
		assertThat(stats.find(new Document("_id", "u2")).first()).containsEntry("reputationScore", 10_000L)
			.containsEntry("tier", "Diamond");
	}

	@Test
	void tiersChangeAtTheProgramsBounds() {
		assertThat(List.of(0L, 99L, 100L, 499L, 500L, 1_999L, 2_000L, 9_999L, 10_000L, Long.MAX_VALUE).stream()
			.map(score -> Projections.tierOf(score).getValue()).toList()).containsExactly("Bronze", "Bronze",
					"Silver", "Silver", "Gold", "Gold", "Platinum", "Platinum", "Diamond", "Diamond");
	}
}
