package io.couponsync.platform.mongo;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file backend's stored documents are never changed in place: H2's background writer may be writing a page that
 * holds one while the server updates it, and would write it half changed.
 */
class FileBackendIT {

	@TempDir
	Path directory;

	@Test
	void anUpdateLeavesTheDocumentTheFileHeldAsItWas() {
		MongoBackend backend = EmbeddedBackends.inFile(directory.resolve("held.mv").toString(),
				EmbeddedMongoServer.DEFAULT_FILE_CACHE);
		MongoServer server = new MongoServer(backend);
		InetSocketAddress address = server.bind();
		try (MongoClient client = MongoClients
			.create("mongodb://" + address.getHostString() + ":" + address.getPort())) {
			MongoCollection<org.bson.Document> staged = client.getDatabase("test").getCollection("staged");
			staged.insertMany(List.of(
					new org.bson.Document("_id", "sig-1").append("status", "received").append("slot", 5L),
					new org.bson.Document("_id", "sig-2").append("status", "received").append("slot", 6L)));
			MVMap<Object, Document> held = ((H2Backend) backend).getMvStore().openMap("databases.test.staged");
			Document first = held.get("sig-1");
			Document second = held.get("sig-2");
			Document firstBefore = first.cloneDeeply();
			Document secondBefore = second.cloneDeeply();

			staged.updateOne(Filters.eq("_id", "sig-1"),
					Updates.combine(Updates.set("status", "applied"), Updates.unset("slot")));
			staged.updateMany(Filters.eq("status", "received"), Updates.set("status", "dropped"));

			assertThat(first).as("the object held before the update by _id").isEqualTo(firstBefore);
			assertThat(second).as("the object held before the update by status").isEqualTo(secondBefore);
			assertThat(held.get("sig-1")).isEqualTo(new Document("_id", "sig-1").append("status", "applied"));
			assertThat(held.get("sig-2"))
				.isEqualTo(new Document("_id", "sig-2").append("status", "dropped").append("slot", 6L));
			assertThat(staged.find(Filters.eq("status", "dropped")).first()).containsEntry("_id", "sig-2");

			Document dropped = held.get("sig-2");
			Document droppedBefore = dropped.cloneDeeply();
			assertThat(staged.findOneAndUpdate(Filters.eq("_id", "sig-2"), Updates.set("note", "refetched")))
				.containsEntry("status", "dropped");
			assertThat(dropped).as("the object held before a find-and-modify").isEqualTo(droppedBefore);
			assertThat(held.get("sig-2")).containsEntry("note", "refetched");
		}
		finally {
			server.shutdownNow();
		}
	}
}
