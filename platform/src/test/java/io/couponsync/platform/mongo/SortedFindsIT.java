package io.couponsync.platform.mongo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sorted finds, their sort values looked up once per document ({@link SortKeys}), answer what the stock server
 * answers: random sorts over one to three fields (top-level and dotted, either direction, values of mixed types,
 * missing, null and arrays), with filters, skip, limit and projections, sent to each embedded backend and to the
 * stock server on the same storage. Every sort ends with {@code _id}, so an order is the one right answer.
 */
class SortedFindsIT {

	@TempDir
	Path directory;

	private final WireServers servers = new WireServers();

	private final List<MongoCollection<Document>> stock = new ArrayList<>();

	private final List<MongoCollection<Document>> embedded = new ArrayList<>();

	@BeforeEach
	void startServers() {
		stock.add(collection(new MemoryBackend()));
		embedded.add(collection(EmbeddedBackends.inMemory(new CollectionScans())));
		stock.add(collection(new H2Backend(directory.resolve("stock.mv").toString())));
		embedded.add(collection(EmbeddedBackends.inFile(directory.resolve("embedded.mv").toString(),
				EmbeddedMongoServer.DEFAULT_FILE_CACHE)));
	}

	@AfterEach
	void stopServers() {
		servers.close();
	}

	private MongoCollection<Document> collection(MongoBackend backend) {
		MongoCollection<Document> collection = servers.collection(backend);
		collection.createIndex(Indexes.ascending("status", "slot"));
		return collection;
	}

	@Test
	void randomSortedFindsAnswerAsTheStockServerDoes() {
		Random random = new Random(20261203);
		List<Document> documents = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			documents.add(randomDocument(random, i));
		}
		for (int i = 0; i < stock.size(); i++) {
			stock.get(i).insertMany(copies(documents));
			embedded.get(i).insertMany(copies(documents));
		}
		for (int step = 0; step < 300; step++) {
			long seed = random.nextLong();
			for (int i = 0; i < stock.size(); i++) {
				String name = "step " + step + (i == 0 ? ", in memory" : ", in a file");
				assertThat(answer(embedded.get(i), new Random(seed))).as(name)
					.isEqualTo(answer(stock.get(i), new Random(seed)));
			}
		}
	}

	@Test
	void theStagingReadersSortAnswersInChainOrder() {
		List<Document> staged = new ArrayList<>();
		long[][] slotsAndOrders = { { 7, 2 }, { 5, 0 }, { 7, 1 }, { 5, 3 }, { 6, 0 } };
		for (int i = 0; i < slotsAndOrders.length; i++) {
			staged.add(new Document("_id", "sig-" + (char) ('e' - i)).append("status", "received")
				.append("slot", slotsAndOrders[i][0]).append("orderInSlot", slotsAndOrders[i][1]));
		}
		for (MongoCollection<Document> collection : embedded) {
			collection.insertMany(copies(staged));

			List<String> inOrder = new ArrayList<>();
			collection.find(Filters.eq("status", "received"))
				.sort(new Document("slot", 1).append("orderInSlot", 1).append("_id", 1))
				.forEach(document -> inOrder.add(document.getString("_id")));

			assertThat(inOrder).containsExactly("sig-d", "sig-b", "sig-a", "sig-c", "sig-e");
		}
	}

	private static List<Document> copies(List<Document> documents) {
		return documents.stream().map(document -> Document.parse(document.toJson())).toList();
	}

	private static Document randomDocument(Random random, int i) {
		Document document = new Document("_id", String.format("d%03d", random.nextInt(1000)) + "-" + i);
		document.append("status", List.of("received", "applied", "dropped").get(random.nextInt(3)));
		putSometimes(random, document, "slot", randomValue(random));
		putSometimes(random, document, "orderInSlot", random.nextInt(3));
		putSometimes(random, document, "meta", new Document("n", randomValue(random)).append("kind",
				random.nextBoolean() ? "deal" : "badge"));
		putSometimes(random, document, "tags", Arrays.asList(random.nextInt(4), random.nextInt(4)));
		return document;
	}

	private static void putSometimes(Random random, Document document, String field, Object value) {
		if (random.nextInt(5) > 0) {
			document.append(field, value);
		}
	}

	private static Object randomValue(Random random) {
		return switch (random.nextInt(8)) {
			case 0 -> random.nextInt(5);
			case 1 -> (long) random.nextInt(5);
			case 2 -> random.nextInt(5) + 0.5;
			case 3 -> "s" + random.nextInt(3);
			case 4 -> null;
			case 5 -> new Decimal128(random.nextInt(5));
			case 6 -> random.nextBoolean();
			default -> random.nextInt(3);
		};
	}

	private static List<String> answer(MongoCollection<Document> collection, Random random) {
		List<String> fields = new ArrayList<>(List.of("slot", "orderInSlot", "status", "meta.n", "meta.kind", "tags",
				"meta"));
		Document sort = new Document();
		int keys = 1 + random.nextInt(3);
		for (int k = 0; k < keys; k++) {
			sort.append(fields.remove(random.nextInt(fields.size())), random.nextBoolean() ? 1 : -1);
		}
		sort.append("_id", random.nextBoolean() ? 1 : -1);
		Bson filter = switch (random.nextInt(4)) {
			case 0 -> Filters.eq("status", "received");
			case 1 -> Filters.in("status", "received", "dropped");
			case 2 -> Filters.exists("meta");
			default -> new Document();
		};
		FindIterable<Document> find = collection.find(filter).sort(sort).skip(random.nextInt(3) == 0 ? 5 : 0);
		if (random.nextBoolean()) {
			find = find.limit(1 + random.nextInt(40));
		}
		if (random.nextInt(3) == 0) {
			find = find.projection(Projections.include("slot", "meta.kind"));
		}
		List<String> answer = new ArrayList<>();
		find.forEach(document -> answer.add(document.toJson()));
		return answer;
	}
}
