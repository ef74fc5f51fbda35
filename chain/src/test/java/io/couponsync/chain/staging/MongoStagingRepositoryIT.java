package io.couponsync.chain.staging;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** The MongoDB staging repository over the wire protocol, against the embedded MongoDB-wire server. */
class MongoStagingRepositoryIT extends StagingRepositoryContract {

	private MongoServer server;

	private MongoClient client;

	private MongoStagingRepository repository;

	@BeforeEach
	void start() {
		server = new MongoServer(new MemoryBackend());
		client = MongoClients.create(server.bindAndGetConnectionString());
		repository = new MongoStagingRepository(client.getDatabase("staging_test"));
		repository.createIndexes();
	}

	@AfterEach
	void stop() {
		client.close();
		server.shutdownNow();
	}

	@Override
	protected StagingRepository repository() {
		return repository;
	}
}
