package io.couponsync.jobs.readmodel;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.couponsync.platform.mongo.EmbeddedMongoServer;

/** A test's own embedded MongoDB-wire server (in memory), reached by the driver over the wire. */
final class WireDatabase implements AutoCloseable {

	private final EmbeddedMongoServer server = new EmbeddedMongoServer("127.0.0.1", 0, null);

	private final MongoClient client = MongoClients.create(server.connectionString(""));

	MongoDatabase database(String name) {
		return client.getDatabase(name);
	}

	@Override
	public void close() {
		client.close();
		server.close();
	}
}
