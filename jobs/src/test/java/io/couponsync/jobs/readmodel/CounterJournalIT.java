package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** Counters by journal entries over the MongoDB wire: applied once, finished after a crash, a read as their base. */
class CounterJournalIT {

	private MongoServer server;

	private MongoClient client;

	private MongoDatabase database;

	private CounterJournal journal;

	@BeforeEach
	void start() {
		server = new MongoServer(new MemoryBackend());
		client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
		database = client.getDatabase("journal");
		journal = new CounterJournal(database);
	}

	@AfterEach
	void stop() {
		client.close();
		server.shutdown();
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
}
