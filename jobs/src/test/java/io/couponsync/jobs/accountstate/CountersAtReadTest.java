package io.couponsync.jobs.accountstate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.CounterSpec;
import io.couponsync.jobs.readmodel.ReadModelChanges.DocumentKey;

/** A counter's value at an account read, from the event log over the MongoDB wire protocol. */
class CountersAtReadTest {

	private static final CounterSpec MINTS = new CounterSpec("promotion.currentSupply", "promotions", "currentSupply",
			key -> key, List.of(CounterSpec.Source.count("CouponMinted", "promotion")));

	private MongoServer server;

	private MongoClient mongo;

	private MongoDatabase database;

	private final AtomicBoolean inFlight = new AtomicBoolean();

	private CountersAtRead countersAtRead;

	@BeforeEach
	void start() {
		server = new MongoServer(new MemoryBackend());
		mongo = MongoClients.create(server.bindAndGetConnectionString());
		database = mongo.getDatabase("coupon_sync");
		countersAtRead = new CountersAtRead(List.of(MINTS), new ChainEventLog(database), inFlight::get);
	}

	@AfterEach
	void stop() {
		mongo.close();
		server.shutdownNow();
	}

	@Test
	void takesOutWhatTheEventsCountedPastTheReadAdded() {
		// a read at slot 100 holds every change of slot 100; the counter has since counted slots 101 and 102
		logMint("a", 100, 1, "P", 1, true);
		logMint("b", 101, 0, "P", 1, true);
		logMint("c", 102, 3, "P", 2, true);
		// logged past the read, not counted yet: the counter does not hold it, so it is not taken out
		logMint("d", 103, 0, "P", 1, false);
		// another promotion's mints are not this counter's
		logMint("e", 101, 2, "Q", 5, true);
		CountersAtRead.Counter promotion = counter("P", 10, 100);
		CountersAtRead.Counter readLater = counter("P", 10, 101);
		CountersAtRead.Counter other = counter("Q", 9, 100);

		CountersAtRead.Values values = countersAtRead.valuesAtRead(List.of(promotion, readLater, other));

		assertThat(values.postponed()).isNull();
		assertThat(values.atRead().get(promotion).asNumber().longValue()).isEqualTo(10 - 1 - 2);
		assertThat(values.atRead().get(readLater).asNumber().longValue()).as("read at 101: only 102's taken out")
			.isEqualTo(10 - 2);
		assertThat(values.atRead().get(other).asNumber().longValue()).isEqualTo(9 - 5);
	}

	@Test
	void waitsWhileCounterChangesAreHalfDoneOrTooManyEventsArePastTheRead() {
		logMint("a", 101, 0, "P", 1, true);
		inFlight.set(true);

		assertThat(countersAtRead.valuesAtRead(List.of(counter("P", 10, 100))).postponed())
			.isEqualTo(CountersAtRead.Postponed.COUNTER_CHANGES_IN_FLIGHT);

		inFlight.set(false);
		List<Document> many = new ArrayList<>();
		for (int i = 0; i < CountersAtRead.MAX_EVENTS_PAST_READ; i++) {
			many.add(mint("m" + i, 200, i, "P", 1));
		}
		database.getCollection(ChainEventLog.COLLECTION).insertMany(many);

		assertThat(countersAtRead.valuesAtRead(List.of(counter("P", 10, 100))).postponed())
			.isEqualTo(CountersAtRead.Postponed.TOO_MANY_EVENTS_PAST_READ);
		assertThat(countersAtRead.valuesAtRead(List.of(counter("P", 10, 200))).postponed())
			.as("none of them past a read of their slot").isNull();
	}

	@Test
	void tellsACounterThatCountedChangesAfterTheSlotRead() {
		BsonDocument promotion = new BsonDocument("lastSlot", new BsonInt64(100)).append(CounterJournal.COUNTED,
				new BsonDocument("currentSupply", new BsonString(new ChangeVersion(200, 3, "sig", 0).key())));

		assertThat(CountersAtRead.countedPast(promotion, "currentSupply", 150)).isTrue();
		assertThat(CountersAtRead.countedPast(promotion, "currentSupply", 199)).isTrue();
		assertThat(CountersAtRead.countedPast(promotion, "currentSupply", 200)).as("the read holds its slot").isFalse();
		assertThat(CountersAtRead.countedPast(promotion, "totalRedeemed", 150)).as("nothing counted").isFalse();
		assertThat(countersAtRead.isCounter("promotions", "currentSupply")).isTrue();
		assertThat(countersAtRead.isCounter("promotions", "discountPercentage")).isFalse();
	}

	private CountersAtRead.Counter counter(String promotion, long stored, long readSlot) {
		return new CountersAtRead.Counter(new DocumentKey("promotions", promotion), "currentSupply",
				new BsonInt64(stored), readSlot);
	}

	/** A CouponMinted of {@code promotion} logged at a slot and position, adding {@code amount}. */
	private void logMint(String signature, long slot, int position, String promotion, long amount, boolean counted) {
		Document event = mint(signature, slot, position, promotion, amount);
		database.getCollection(ChainEventLog.COLLECTION).insertOne(event);
		if (counted) {
			new ChainEventLog(database).markCounted(List.of(event.getString("_id")));
		}
	}

	private static Document mint(String signature, long slot, int position, String promotion, long amount) {
		return new Document("_id", signature + ":0").append("signature", signature).append("slot", slot)
			.append("name", "CouponMinted")
			.append("version", new ChangeVersion(slot, position, signature, 0).key())
			.append("counters", List.of(new Document("k", ChainEventLog.counterKey(MINTS, promotion)).append("v",
					amount)));
	}
}
