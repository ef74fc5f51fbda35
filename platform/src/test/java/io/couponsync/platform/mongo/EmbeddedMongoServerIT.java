package io.couponsync.platform.mongo;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Queries and updates that combine an {@code _id} condition with others, or name a secondary index's leading field,
 * answer exactly what MongoDB answers, on both embedded backends, over the wire — the indexes only narrow the
 * candidates.
 */
class EmbeddedMongoServerIT {

	@TempDir
	Path directory;

	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void guardedUpdatesAndFindsMatchOnlyWhatTheWholeFilterMatches(String backend) {
		Path file = "file".equals(backend) ? directory.resolve("mongo.mv") : null;
		try (EmbeddedMongoServer server = new EmbeddedMongoServer("127.0.0.1", 0, file);
				MongoClient client = MongoClients.create(server.connectionString("test"))) {
			MongoCollection<Document> collection = client.getDatabase("test").getCollection("staged");
			List<Document> documents = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				documents.add(new Document("_id", "sig-" + i).append("status", i % 2 == 0 ? "received" : "applied")
					.append("slot", (long) i));
			}
			collection.insertMany(documents);
			List<String> asked = List.of("sig-1", "sig-2", "sig-3", "sig-4", "sig-404");

			long moved = collection.updateMany(
					Filters.and(Filters.in("_id", asked), Filters.eq("status", "received")),
					Updates.set("status", "applied")).getModifiedCount();

			assertThat(moved).isEqualTo(2);
			assertThat(collection.find(Filters.eq("status", "received")).map(d -> d.getString("_id")).into(
					new ArrayList<>())).hasSize(48).doesNotContain("sig-2", "sig-4").contains("sig-0", "sig-6");
			assertThat(collection.countDocuments(new Document("_id", "sig-5").append("status", "received")))
				.isZero();
			assertThat(collection.countDocuments(new Document("_id", "sig-5").append("status", "applied"))).isOne();
			assertThat(collection.find(Filters.and(Filters.in("_id", List.of("sig-7", "sig-8", "sig-9")),
					Filters.gte("slot", 8L))).map(d -> d.getString("_id")).into(new ArrayList<>()))
				.containsExactlyInAnyOrder("sig-8", "sig-9");
			// a range on _id is no condition the index narrows by: the whole collection is matched, still exactly
			assertThat(collection.countDocuments(Filters.and(Filters.gt("_id", "sig-97"),
					Filters.eq("status", "applied")))).isEqualTo(1);
			assertThat(collection.deleteMany(new Document("_id", new Document("$in", List.of("sig-10", "sig-11")))
				.append("status", "applied")).getDeletedCount()).isEqualTo(1);
			assertThat(collection.countDocuments()).isEqualTo(99);
		}
	}

	/**
	 * The same random inserts, updates, replacements and deletions go to a collection with secondary indexes and to
	 * one without; every query then answers the same documents from both (the second from a scan), and so again after
	 * the file backend is opened anew and its indexes are filled from the file.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "memory", "file" })
	void queriesServedBySecondaryIndexesAnswerWhatAScanAnswers(String backend) {
		Path file = "file".equals(backend) ? directory.resolve("mongo.mv") : null;
		Random random = new Random(7);
		try (EmbeddedMongoServer server = new EmbeddedMongoServer("127.0.0.1", 0, file);
				MongoClient client = MongoClients.create(server.connectionString("test"))) {
			MongoCollection<Document> indexed = client.getDatabase("test").getCollection("indexed");
			MongoCollection<Document> scanned = client.getDatabase("test").getCollection("scanned");
			indexed.createIndex(Indexes.ascending("status", "slot", "_id"));
			indexed.createIndex(Indexes.ascending("commitment", "slot"));
			indexed.createIndex(Indexes.ascending("tags"));
			indexed.createIndex(Indexes.ascending("slot"));
			indexed.createIndex(Indexes.ascending("flagged"), new IndexOptions().sparse(true));
			indexed.createIndex(Indexes.ascending("height"));
			for (int round = 0; round < 40; round++) {
				changeBoth(random, round, indexed, scanned);
				assertSameAnswers(random, indexed, scanned);
			}
			if (file == null) {
				assertThat(server.scans().counts().keySet()).as("sorted by an index's field with a limit: read in order")
					.noneMatch(shape -> shape.startsWith("indexed {status:{$ne}}"))
					.anyMatch(shape -> shape.startsWith("scanned {status:{$ne}}"));
			}
		}
		if (file != null) {
			try (EmbeddedMongoServer server = new EmbeddedMongoServer("127.0.0.1", 0, file);
					MongoClient client = MongoClients.create(server.connectionString("test"))) {
				MongoCollection<Document> indexed = client.getDatabase("test").getCollection("indexed");
				MongoCollection<Document> scanned = client.getDatabase("test").getCollection("scanned");
				assertSameAnswers(random, indexed, scanned);
				changeBoth(random, 40, indexed, scanned);
				assertSameAnswers(random, indexed, scanned);
			}
		}
	}

	/**
	 * The file backend opens its collections itself, over the maps the server names: a file the stock backend wrote
	 * reads the same, and what it answers in an index's order is what the stock backend answers by sorting.
	 */
	@Test
	void theFileBackendReadsWhatTheStockBackendWrote() {
		Path file = directory.resolve("stock.mv");
		List<Document> documents = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			documents.add(new Document("_id", "sig-" + i).append("slot", (long) (i * 7 % 25)).append("status",
					i % 3 == 0 ? "received" : "applied"));
		}
		List<Document> newestApplied;
		de.bwaldvogel.mongo.MongoServer stock = new de.bwaldvogel.mongo.MongoServer(
				new de.bwaldvogel.mongo.backend.h2.H2Backend(file.toString()));
		try (MongoClient client = MongoClients.create("mongodb://" + hostAndPort(stock.bind()))) {
			MongoCollection<Document> collection = client.getDatabase("test").getCollection("staged");
			collection.createIndex(Indexes.ascending("slot"));
			collection.insertMany(documents);
			newestApplied = collection.find(Filters.eq("status", "applied")).sort(Sorts.descending("slot")).limit(5)
				.into(new ArrayList<>());
		}
		finally {
			stock.shutdownNow();
		}

		try (EmbeddedMongoServer server = new EmbeddedMongoServer("127.0.0.1", 0, file);
				MongoClient client = MongoClients.create(server.connectionString("test"))) {
			MongoCollection<Document> collection = client.getDatabase("test").getCollection("staged");
			assertThat(collection.find().sort(Sorts.ascending("_id")).into(new ArrayList<>()))
				.containsExactlyInAnyOrderElementsOf(documents);
			assertThat(collection.find(Filters.eq("status", "applied")).sort(Sorts.descending("slot")).limit(5)
				.into(new ArrayList<>())).as("ties in the stock order").isEqualTo(newestApplied).hasSize(5);
			for (Document document : documents) {
				assertThat(collection.find(Filters.eq("_id", document.get("_id"))).first()).isEqualTo(document);
			}
			assertThatThrownBy(() -> collection.insertOne(new Document("_id", "sig-7"))).as("the stock _id index")
				.isInstanceOf(MongoWriteException.class)
				.hasMessageContaining("duplicate key");
			collection.insertOne(new Document("_id", "sig-70"));
			assertThat(collection.find(Filters.eq("_id", "sig-70")).first()).isNotNull();

			// documents changed or written here are stored as BSON beside the stock-written ones left as they were
			collection.updateMany(Filters.eq("status", "received"), Updates.set("touched", true));
			documents.stream().filter(document -> "received".equals(document.get("status")))
				.forEach(document -> document.append("touched", true));
			documents.add(new Document("_id", "sig-70"));
			Document varied = new Document("_id", "sig-71").append("at", new Date(1_733_000_000_123L))
				.append("nested", new Document("list", List.of(1, 2L, "three", new Document("four", 4.0))))
				.append("binary", new Binary(new byte[] { 1, 2, 3 }))
				.append("objectId", new ObjectId()).append("none", null)
				.append("decimal", new Decimal128(new BigDecimal("12.50")));
			collection.insertOne(varied);
			documents.add(varied);
		}

		try (EmbeddedMongoServer server = new EmbeddedMongoServer("127.0.0.1", 0, file);
				MongoClient client = MongoClients.create(server.connectionString("test"))) {
			MongoCollection<Document> collection = client.getDatabase("test").getCollection("staged");
			assertThat(collection.find().into(new ArrayList<>())).as("reopened: both encodings read back")
				.containsExactlyInAnyOrderElementsOf(documents);
			assertThat(collection.countDocuments(Filters.eq("touched", true))).isEqualTo(17);
		}
	}

	private static String hostAndPort(InetSocketAddress address) {
		return address.getHostString() + ":" + address.getPort();
	}

	private static final List<String> STATUSES = List.of("received", "applied", "dead", "dropped");

	private static void changeBoth(Random random, int round, MongoCollection<Document> indexed,
			MongoCollection<Document> scanned) {
		List<Document> inserted = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			int kind = random.nextInt(20);
			Object slot = kind == 0 ? "late" : kind == 1 ? random.nextInt(60) + 0.5 : (Object) (long) random.nextInt(60);
			Document document = new Document("_id", "sig-" + round + "-" + i).append("slot", slot)
				.append("height", kind == 2 ? random.nextInt(60) + 0.25 : (Object) (long) random.nextInt(60));
			if (random.nextInt(10) > 0) {
				document.append("status", STATUSES.get(random.nextInt(STATUSES.size())));
			}
			document.append("commitment", random.nextBoolean() ? "confirmed" : "finalized");
			if (random.nextBoolean()) {
				document.append("tags", List.of("t" + random.nextInt(4), "t" + random.nextInt(4)));
			}
			if (random.nextInt(4) == 0) {
				document.append("flagged", true);
			}
			inserted.add(document);
		}
		List<Bson> changes = List.of(Updates.set("status", STATUSES.get(random.nextInt(STATUSES.size()))),
				Updates.unset("status"), Updates.set("commitment", "finalized"),
				Updates.set("tags", List.of("t" + random.nextInt(4))), Updates.set("slot", random.nextInt(60)),
				Updates.set("flagged", true), Updates.unset("flagged"), Updates.set("tags", List.of()),
				Updates.set("height", random.nextInt(60)), Updates.inc("height", 1));
		Bson where = Filters.and(Filters.eq("status", STATUSES.get(random.nextInt(STATUSES.size()))),
				Filters.lt("slot", (long) random.nextInt(60)));
		Bson change = changes.get(random.nextInt(changes.size()));
		Bson deleted = Filters.and(Filters.eq("commitment", "finalized"), Filters.eq("slot", (long) random.nextInt(60)));
		for (MongoCollection<Document> collection : List.of(indexed, scanned)) {
			collection.insertMany(inserted.stream().map(document -> new Document(document)).toList());
			collection.updateMany(where, change);
			collection.replaceOne(Filters.eq("_id", "sig-" + round + "-3"),
					new Document("status", "received").append("slot", 7L).append("height", 7).append("tags", List.of()));
			collection.deleteMany(deleted);
		}
	}

	private static void assertSameAnswers(Random random, MongoCollection<Document> indexed,
			MongoCollection<Document> scanned) {
		String status = STATUSES.get(random.nextInt(STATUSES.size()));
		List<Bson> filters = List.of(Filters.eq("status", status),
				Filters.and(Filters.eq("status", status), Filters.ne("tags", "t1"),
						Filters.or(Filters.gt("slot", 30L), Filters.eq("slot", 30))),
				Filters.in("status", STATUSES.subList(0, 2)), Filters.eq("commitment", "confirmed"),
				Filters.and(Filters.and(Filters.eq("commitment", "confirmed"), Filters.lte("slot", 40L)),
						Filters.ne("status", "dropped")),
				Filters.eq("tags", "t" + random.nextInt(4)), Filters.in("slot", List.of(3L, 7, 11L, 59L)),
				Filters.exists("status", false), Filters.eq("flagged", true),
				Filters.gt("slot", (long) random.nextInt(60)), Filters.lt("slot", 6),
				Filters.and(Filters.gt("slot", (long) random.nextInt(30)), Filters.lte("slot", 30 + random.nextInt(30))),
				new Document("slot", new Document("$gte", 20.5).append("$lt", 40)), Filters.gt("tags", "t1"),
				Filters.and(Filters.eq("commitment", "finalized"), Filters.gte("slot", 50L)),
				Filters.and(Filters.eq("flagged", true), Filters.eq("status", status)));
		for (Bson filter : filters) {
			assertThat(indexed.find(filter).sort(Sorts.ascending("slot", "_id")).into(new ArrayList<>()))
				.as(filter.toString())
				.isEqualTo(scanned.find(filter).sort(Sorts.ascending("slot", "_id")).into(new ArrayList<>()));
			assertThat(indexed.find(filter).map(document -> document.getString("_id")).into(new ArrayList<>()))
				.as("in natural order: " + filter)
				.containsExactlyElementsOf(scanned.find(filter).map(document -> document.getString("_id"))
					.into(new ArrayList<>()));
			assertThat(indexed.countDocuments(filter)).isEqualTo(scanned.countDocuments(filter));
		}
		List<Bson> sortedFilters = List.of(Filters.empty(), Filters.ne("status", "dropped"), Filters.eq("status", status),
				Filters.eq("flagged", true), Filters.lt("slot", 30L));
		for (Bson filter : sortedFilters) {
			for (Bson sort : List.of(Sorts.descending("height"), Sorts.ascending("height"))) {
				int limit = 1 + random.nextInt(5);
				assertThat(indexed.find(filter).sort(sort).limit(limit).into(new ArrayList<>()))
					.as("%s sorted by %s, limit %d", filter, sort, limit)
					.isEqualTo(scanned.find(filter).sort(sort).limit(limit).into(new ArrayList<>()));
			}
		}
		assertThat(indexed.countDocuments()).isEqualTo(scanned.countDocuments()).isPositive();
	}
}
