package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingSource;
import io.couponsync.chain.staging.StagingStatus;

/**
 * Dead letters over the wire protocol (embedded MongoDB-wire server): a letter exists only for a transaction staging
 * moved to dead, and one a crash left out between the move and the letter is written at the next start.
 */
class DeadLetterStoreIT {

	private MongoServer server;

	private MongoClient client;

	private MongoDatabase database;

	private StagingRepository staging;

	private DeadLetterStore store;

	@BeforeEach
	void start() {
		server = new MongoServer(new MemoryBackend());
		client = MongoClients.create(server.bindAndGetConnectionString());
		database = client.getDatabase("dead_letters_test");
		MongoStagingRepository repository = new MongoStagingRepository(database);
		repository.createIndexes();
		staging = repository;
		store = new DeadLetterStore(database, staging);
		store.createIndexes();
	}

	@AfterEach
	void stop() {
		client.close();
		server.shutdownNow();
	}

	private static StagedTransaction staged(String signature, long slot) {
		return new StagedTransaction(signature, slot, null, List.of("Program data: AAAA"),
				Instant.now().truncatedTo(ChronoUnit.MILLIS), StagingSource.BACKFILL, StagingStatus.RECEIVED,
				ChainCommitment.CONFIRMED, 1_700_000_000L, List.of(new InnerInstruction("Prog", new byte[] { 1, 2 })),
				null);
	}

	private Document letter(String signature) {
		return database.getCollection(DeadLetterStore.COLLECTION).find(new Document("_id", signature)).first();
	}

	@Test
	void writesALetterOnlyForTransactionsTheMoveToDeadAccepted() {
		StagedTransaction received = staged("received", 1);
		StagedTransaction applied = staged("applied", 2);
		StagedTransaction dropped = staged("dropped", 3);
		staging.insertIfAbsent(List.of(received, applied, dropped));
		// meanwhile another path moved two of them on: dead is no longer a move they can make
		staging.markApplied(List.of(new StagingRepository.Applied("applied", false, false, true)), 1);
		staging.drop(List.of("dropped"));

		int written = store.record(List.of(received, applied, dropped), Map.of("received", List.of("bad event"),
				"applied", List.of("bad event"), "dropped", List.of("bad event")), 42);

		assertThat(written).isEqualTo(1);
		assertThat(letter("applied")).as("no false dead letter for a refused move").isNull();
		assertThat(letter("dropped")).as("no false dead letter for a refused move").isNull();
		Document letter = letter("received");
		assertThat(letter.getString("status")).isEqualTo(DeadLetterStore.Status.DEAD.value());
		assertThat(letter.getList("reasons", String.class)).containsExactly("bad event");
		assertThat(letter.get("jobExecutionId", Number.class).longValue()).isEqualTo(42);
		assertThat(letter.get("input", Document.class).getList("logs", String.class))
			.containsExactly("Program data: AAAA");
		assertThat(store.count()).isEqualTo(1);
		assertThat(staging.find("received").orElseThrow().status()).isEqualTo(StagingStatus.DEAD);
		assertThat(staging.find("applied").orElseThrow().status()).isEqualTo(StagingStatus.APPLIED);
	}

	@Test
	void writesTheLettersACrashLeftOutAfterTheMoveAndOnlyThose() {
		StagedTransaction first = staged("first", 1);
		StagedTransaction lost = staged("lost", 2);
		StagedTransaction requeued = staged("requeued", 3);
		staging.insertIfAbsent(List.of(first, lost, requeued));
		store.record(List.of(first), Map.of("first", List.of("one")), 7);
		store.record(List.of(requeued), Map.of("requeued", List.of("two")), 7);
		store.requeue(List.of("requeued"));
		// a crash between the move to dead and the letters: staging says dead, no letter says so
		staging.markDead(Map.of("lost", List.of("three"), "requeued", List.of("four")), 8);
		assertThat(letter("lost")).isNull();

		long caughtUp = store.recordMissing();

		assertThat(caughtUp).as("the lost one, and the re-queued one dead again").isEqualTo(2);
		Document letter = letter("lost");
		assertThat(letter.getList("reasons", String.class)).containsExactly("three");
		assertThat(letter.get("jobExecutionId", Number.class).longValue()).isEqualTo(8);
		assertThat(letter.get("input", Document.class).get("slot", Number.class).longValue()).isEqualTo(2);
		assertThat(letter("requeued").getString("status")).isEqualTo(DeadLetterStore.Status.DEAD.value());
		assertThat(letter("requeued").getList("reasons", String.class)).containsExactly("four");
		assertThat(letter("first").getList("reasons", String.class)).as("left as it was").containsExactly("one");
		assertThat(store.count()).isEqualTo(3);
		assertThat(store.recordMissing()).as("nothing missing any more").isZero();
	}

	@Test
	void aReQueueInterruptedAfterMovingStagingIsSettledByTheNextCatchUp() {
		staging.insertIfAbsent(List.of(staged("moved", 1), staged("unmoved", 2)));
		store.record(List.of(staged("moved", 1), staged("unmoved", 2)),
				Map.of("moved", List.of("x"), "unmoved", List.of("y")), 1);
		// as a re-queue leaves them when its process stops between its writes: both letters marked, staging moved
		// for one (the other's move never ran)
		database.getCollection(DeadLetterStore.COLLECTION).updateMany(new Document(),
				new Document("$set", new Document("requeueing", true)));
		staging.requeueDead(List.of("moved"));

		assertThat(store.recordMissing()).as("no letter was missing").isZero();

		assertThat(letter("moved").getString("status")).isEqualTo(DeadLetterStore.Status.REQUEUED.value());
		assertThat(letter("unmoved").getString("status")).isEqualTo(DeadLetterStore.Status.DEAD.value());
		assertThat(letter("moved").containsKey("requeueing")).isFalse();
		assertThat(letter("unmoved").containsKey("requeueing")).isFalse();
		assertThat(store.count()).isEqualTo(1);
	}

	@Test
	void reQueueingMovesStagingAndMarksTheLetters() {
		staging.insertIfAbsent(List.of(staged("a", 1), staged("b", 2)));
		store.record(List.of(staged("a", 1), staged("b", 2)), Map.of("a", List.of("x"), "b", List.of("y")), 1);

		assertThat(store.requeue(List.of("a"))).isEqualTo(1);

		assertThat(staging.find("a").orElseThrow().status()).isEqualTo(StagingStatus.RECEIVED);
		assertThat(letter("a").getString("status")).isEqualTo(DeadLetterStore.Status.REQUEUED.value());
		assertThat(letter("a").containsKey("requeueing")).as("the mark goes with the move's end").isFalse();
		assertThat(letter("b").containsKey("requeueing")).as("not asked").isFalse();
		assertThat(store.page(DeadLetterStore.Status.DEAD.value(), 0, 10)).extracting(d -> d.getString("_id"))
			.containsExactly("b");
		assertThat(store.page(null, 0, 10)).hasSize(2);
		assertThat(store.page("nonsense", 0, 10)).isEmpty();
		assertThat(store.requeueAll()).isEqualTo(1);
		assertThat(store.count()).isZero();
	}
}
