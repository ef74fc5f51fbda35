package io.couponsync.platform.mongo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queries and updates that combine an {@code _id} condition with others answer exactly what MongoDB answers, on
 * both embedded backends, over the wire — the {@code _id} index only narrows the candidates.
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
}
