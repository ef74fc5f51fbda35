package io.couponsync.platform.mongo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.UpdateResult;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Updates through the fields they can touch ({@link UpdatedFields}) answer and store exactly what the stock server
 * answers and stores: the same update commands, over the wire, to each embedded backend and to the stock server on
 * the same storage, compared command by command (matched, modified, upserted, error) and document by document, field order
 * included. The commands cover every operator family, dotted and positional paths, array filters, unique-key
 * violations, upserts, and the shapes that must see whole documents (replacements, {@code $expr}).
 */
class SlicedUpdatesIT {

	@TempDir
	Path directory;

	private final WireServers servers = new WireServers();

	private MongoCollection<Document> stockMemory;

	private MongoCollection<Document> memory;

	private MongoCollection<Document> stockFile;

	private MongoCollection<Document> file;

	@BeforeEach
	void startServers() {
		stockMemory = servers.collection(new MemoryBackend());
		memory = servers.collection(EmbeddedBackends.inMemory(new CollectionScans()));
		stockFile = servers.collection(new H2Backend(directory.resolve("stock.mv").toString()));
		file = servers.collection(EmbeddedBackends.inFile(directory.resolve("sliced.mv").toString(),
				EmbeddedMongoServer.DEFAULT_FILE_CACHE));
		for (MongoCollection<Document> collection : List.of(stockMemory, memory, stockFile, file)) {
			collection.createIndex(Indexes.ascending("code"), new IndexOptions().unique(true).sparse(true));
			collection.createIndex(Indexes.ascending("status", "slot"));
			collection.createIndex(Indexes.ascending("meta.kind"));
			collection.createIndex(Indexes.ascending("meta.n", "code"), new IndexOptions().unique(true));
		}
	}

	@AfterEach
	void stopServers() {
		servers.close();
	}

	@Test
	void namedUpdatesAnswerAndStoreAsTheStockServerDoes() {
		insertEverywhere(10, new Random(1));
		Map<String, Function<MongoCollection<Document>, Object>> commands = new LinkedHashMap<>();
		commands.put("$set of an existing and a new field", c -> c.updateOne(Filters.eq("_id", "d1"),
				Updates.combine(Updates.set("status", "applied"), Updates.set("appliedAt", 7L))));
		commands.put("$set of an equal value modifies nothing",
				c -> c.updateOne(Filters.eq("_id", "d1"), Updates.set("status", "applied")));
		commands.put("$unset, $min, $max, $mul", c -> c.updateOne(Filters.eq("_id", "d2"), Updates.combine(
				Updates.unset("slot"), Updates.min("low", 3), Updates.max("high", 9L), Updates.mul("weight", 2))));
		commands.put("$inc of an int by a long, and of a missing field",
				c -> c.updateOne(Filters.eq("_id", "d3"), Updates.combine(Updates.inc("count", 5_000_000_000L),
						Updates.inc("fresh", 1))));
		commands.put("dotted $set into a subdocument an index keys",
				c -> c.updateOne(Filters.eq("_id", "d4"), Updates.set("meta.kind", "coupon")));
		commands.put("array operators", c -> c.updateOne(Filters.eq("_id", "d5"), Updates.combine(
				Updates.push("tags", "new"), Updates.addToSet("labels", "x"), Updates.pull("logs", "log 1"))));
		commands.put("positional $ by an array element in the filter",
				c -> c.updateOne(Filters.and(Filters.eq("_id", "d6"), Filters.eq("items.k", "b")),
						Updates.set("items.$.qty", 42)));
		commands.put("array filters", c -> c.updateOne(Filters.eq("_id", "d7"), Updates.set("items.$[e].qty", 0),
				new UpdateOptions().arrayFilters(List.of(Filters.eq("e.k", "a")))));
		commands.put("$rename", c -> c.updateOne(Filters.eq("_id", "d8"), Updates.rename("code", "formerCode")));
		commands.put("a unique key taken by another document",
				c -> c.updateOne(Filters.eq("_id", "d9"), Updates.set("code", "code-0")));
		commands.put("_id changed", c -> c.updateOne(Filters.eq("_id", "d9"), Updates.set("_id", "other")));
		commands.put("an unknown operator", c -> c.updateOne(Filters.eq("_id", "d9"), new Document("$frob",
				new Document("a", 1))));
		commands.put("$inc of a string", c -> c.updateOne(Filters.eq("_id", "d9"), Updates.inc("status", 1)));
		commands.put("a status filter with $in and $exists, as staging's moves",
				c -> c.updateOne(Filters.and(Filters.eq("_id", "d0"), Filters.in("status", "received", "dropped"),
						Filters.exists("positionInBlock", false)), Updates.set("status", "applied")));
		commands.put("$or over two ids, many", c -> c.updateMany(
				Filters.or(Filters.eq("_id", "d1"), Filters.eq("_id", "d2")), Updates.set("batch", 1)));
		commands.put("many by an indexed field", c -> c.updateMany(Filters.eq("status", "received"),
				Updates.combine(Updates.set("status", "dropped"), Updates.inc("slot", 1))));
		commands.put("$expr filter (whole documents)", c -> c.updateMany(
				new Document("$expr", new Document("$gt", List.of("$slot", 3))), Updates.set("late", true)));
		commands.put("replacement (whole documents)", c -> c.replaceOne(Filters.eq("_id", "d3"),
				new Document("status", "replaced")));
		commands.put("upsert that inserts", c -> c.updateOne(Filters.eq("_id", "new-1"),
				Updates.combine(Updates.set("status", "received"), Updates.setOnInsert("slot", 1)),
				new UpdateOptions().upsert(true)));
		commands.put("upsert that matches", c -> c.updateOne(Filters.eq("_id", "new-1"),
				Updates.combine(Updates.set("status", "applied"), Updates.setOnInsert("slot", 2)),
				new UpdateOptions().upsert(true)));
		commands.put("replacing upsert that matches", c -> c.replaceOne(Filters.eq("_id", "new-1"),
				new Document("only", "this"), new ReplaceOptions().upsert(true)));
		commands.forEach((name, command) -> assertSameEverywhere(name, command));
	}

	@Test
	void randomUpdatesAnswerAndStoreAsTheStockServerDoes() {
		Random random = new Random(20261203);
		insertEverywhere(40, random);
		for (int step = 0; step < 400; step++) {
			long seed = random.nextLong();
			if (step % 10 == 9) {
				assertSameEverywhere("bulk " + step, c -> {
					Random same = new Random(seed);
					List<WriteModel<Document>> writes = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						// why: an upsert by any other filter inserts a random ObjectId, different on each server
						boolean upsert = same.nextInt(5) == 0;
						Bson filter = upsert ? Filters.eq("_id", "d" + (38 + same.nextInt(7))) : randomFilter(same);
						writes.add(new UpdateOneModel<>(filter, randomUpdate(same), new UpdateOptions().upsert(upsert)));
					}
					return c.bulkWrite(writes, new BulkWriteOptions().ordered(false));
				});
			}
			else {
				assertSameEverywhere("step " + step, c -> {
					Random same = new Random(seed);
					Bson filter = randomFilter(same);
					Bson update = randomUpdate(same);
					return same.nextBoolean() ? c.updateOne(filter, update) : c.updateMany(filter, update);
				});
			}
		}
	}

	@Test
	void theFileKeepsWhatSlicedUpdatesStored() {
		Random random = new Random(7);
		insertEverywhere(20, random);
		for (int step = 0; step < 100; step++) {
			long seed = random.nextLong();
			assertSameEverywhere("step " + step, c -> {
				Random same = new Random(seed);
				return c.updateOne(randomFilter(same), randomUpdate(same));
			});
		}
		List<String> stored = contents(file);

		servers.close();
		MongoCollection<Document> reopened = servers.collection(EmbeddedBackends
			.inFile(directory.resolve("sliced.mv").toString(), EmbeddedMongoServer.DEFAULT_FILE_CACHE));

		assertThat(contents(reopened)).isEqualTo(stored).hasSize(20);
	}

	private void insertEverywhere(int count, Random random) {
		List<Document> documents = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Document document = new Document("_id", "d" + i).append("status", random.nextBoolean() ? "received"
					: "applied")
				.append("slot", random.nextBoolean() ? (Object) random.nextInt(10) : (Object) (long) random.nextInt(10))
				.append("code", "code-" + i)
				.append("logs", List.of("log " + random.nextInt(3), "log " + random.nextInt(3), "Program data: AAAA"))
				.append("meta", new Document("kind", random.nextBoolean() ? "deal" : "badge").append("n", i))
				.append("items", List.of(new Document("k", "a").append("qty", 1), new Document("k", "b")
					.append("qty", 2)))
				.append("weight", 1.5);
			if (random.nextBoolean()) {
				document.append("positionInBlock", random.nextInt(4));
			}
			documents.add(document);
		}
		for (MongoCollection<Document> collection : List.of(stockMemory, memory, stockFile, file)) {
			collection.insertMany(documents.stream().map(document -> Document.parse(document.toJson())).toList());
		}
	}

	private static Bson randomFilter(Random random) {
		Bson id = Filters.eq("_id", "d" + random.nextInt(45));
		return switch (random.nextInt(7)) {
			case 0 -> Filters.and(id, Filters.in("status", "received", "dropped"));
			case 1 -> Filters.and(id, Filters.exists("positionInBlock", false));
			case 2 -> Filters.eq("status", random.nextBoolean() ? "received" : "dropped");
			case 3 -> Filters.and(id, Filters.eq("items.k", random.nextBoolean() ? "a" : "b"));
			case 4 -> Filters.or(id, Filters.eq("meta.kind", "badge"));
			case 5 -> Filters.gte("slot", random.nextInt(12));
			default -> id;
		};
	}

	private static Bson randomUpdate(Random random) {
		List<Bson> changes = new ArrayList<>();
		int count = 1 + random.nextInt(3);
		for (int i = 0; i < count; i++) {
			changes.add(switch (random.nextInt(13)) {
				case 0 -> Updates.set("status", List.of("received", "applied", "dropped").get(random.nextInt(3)));
				case 1 -> Updates.set("appliedAt" + random.nextInt(2), random.nextInt(3));
				case 2 -> Updates.unset(random.nextBoolean() ? "slot" : "positionInBlock");
				case 3 -> Updates.inc("slot", random.nextBoolean() ? (Number) 1 : (Number) 2L);
				case 4 -> Updates.min("slot", random.nextInt(10));
				case 5 -> Updates.max("weight", random.nextDouble() * 3);
				case 6 -> Updates.set("meta.kind", random.nextBoolean() ? "deal" : "coupon");
				case 7 -> Updates.push("logs", "log " + random.nextInt(5));
				case 8 -> Updates.addToSet("labels", "l" + random.nextInt(3));
				case 9 -> Updates.set("code", "code-" + random.nextInt(45));
				case 10 -> Updates.set("versions", new Document("status", random.nextInt(100)).append("slot", 1L));
				case 11 -> Updates.set("meta.n", random.nextInt(50));
				default -> Updates.pull("logs", "log " + random.nextInt(3));
			});
		}
		return Updates.combine(changes);
	}

	/**
	 * Each backend against its stock self: they differ from each other in the order a multi-document update visits
	 * documents (insertion order in memory, _id order in a file), which an error half way through shows.
	 */
	private void assertSameEverywhere(String name, Function<MongoCollection<Document>, Object> command) {
		assertSame(name + ", in memory", stockMemory, memory, command);
		assertSame(name + ", in a file", stockFile, file, command);
	}

	private static void assertSame(String name, MongoCollection<Document> stock, MongoCollection<Document> sliced,
			Function<MongoCollection<Document>, Object> command) {
		assertThat(outcome(sliced, command)).as(name).isEqualTo(outcome(stock, command));
		assertThat(contents(sliced)).as(name + ": documents").isEqualTo(contents(stock));
		// the indexes agree with the documents: each one narrows a query as the stored values do
		for (Bson indexed : List.of(Filters.eq("status", "applied"), Filters.eq("meta.kind", "coupon"),
				Filters.eq("code", "code-3"), Filters.and(Filters.eq("meta.n", 3), Filters.eq("code", "code-3")))) {
			assertThat(ids(sliced, indexed)).as(name + ": " + indexed).isEqualTo(ids(stock, indexed));
		}
	}

	private static String outcome(MongoCollection<Document> collection, Function<MongoCollection<Document>, Object> command) {
		try {
			Object result = command.apply(collection);
			if (result instanceof UpdateResult update) {
				return "matched " + update.getMatchedCount() + ", modified " + update.getModifiedCount()
						+ ", upserted " + update.getUpsertedId();
			}
			return String.valueOf(result);
		}
		catch (MongoException ex) {
			// the servers differ only in their address
			return "error " + ex.getCode() + ": " + ex.getMessage().replaceAll("server [0-9.]+:[0-9]+", "server");
		}
	}

	private static List<String> contents(MongoCollection<Document> collection) {
		List<String> documents = new ArrayList<>();
		collection.find().sort(Sorts.ascending("_id")).forEach(document -> documents.add(document.toJson()));
		return documents;
	}

	private static List<String> ids(MongoCollection<Document> collection, Bson filter) {
		List<String> ids = new ArrayList<>();
		collection.find(filter).sort(Sorts.ascending("_id")).forEach(document -> ids.add(document.getString("_id")));
		return ids;
	}
}
