package io.couponsync.chain.staging;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** The MongoDB coverage repository over the wire protocol, against the embedded MongoDB-wire server. */
class MongoCoverageRepositoryIT extends CoverageRepositoryContract {

	private MongoServer server;

	private MongoClient client;

	private MongoCoverageRepository repository;

	private MongoCoverageRepository otherProgram;

	@BeforeEach
	void start() {
		server = new MongoServer(new MemoryBackend());
		client = MongoClients.create(server.bindAndGetConnectionString());
		MongoDatabase database = client.getDatabase("coverage_test");
		repository = new MongoCoverageRepository(database, "Program1111111111111111111111111111111111111");
		repository.createIndexes();
		otherProgram = new MongoCoverageRepository(database, "Program2222222222222222222222222222222222222");
	}

	@AfterEach
	void stop() {
		client.close();
		server.shutdownNow();
	}

	@Override
	protected CoverageRepository repository() {
		return repository;
	}

	@Override
	protected CoverageRepository otherProgram() {
		return otherProgram;
	}
}
