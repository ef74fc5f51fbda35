package io.couponsync.chain.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Arrays;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

	@Test
	void aDocumentItCannotReadIsAnErrorNamingIt() {
		MongoCollection<Document> staged = client.getDatabase("staging_test").getCollection("staged_transactions");
		staged.insertOne(new Document("_id", "from-a-newer-version").append("slot", 5L).append("logs", List.of())
			.append("source", "websocket").append("status", "archived").append("commitment", "confirmed"));
		staged.insertOne(new Document("_id", "slotless").append("logs", List.of()).append("source", "websocket")
			.append("status", "received").append("commitment", "confirmed"));

		assertThatIllegalStateException().isThrownBy(() -> repository.find("from-a-newer-version"))
			.withMessageStartingWith("staged transaction from-a-newer-version cannot be read: ")
			.withMessageContaining("ARCHIVED");
		assertThatIllegalStateException().isThrownBy(() -> repository.find("slotless"))
			.withMessage("staged transaction slotless cannot be read: java.lang.IllegalArgumentException: it has no slot");
	}

	@Test
	void aDocumentWhoseContentItCannotReadSaysWhyAndCarriesNoLogs() {
		MongoCollection<Document> staged = client.getDatabase("staging_test").getCollection("staged_transactions");
		staged.insertOne(new Document("_id", "bad-inner-data").append("slot", 7L).append("logs", List.of("Program log: x"))
			.append("source", "backfill").append("status", "received").append("commitment", "finalized")
			.append("err", new Document("InstructionError", "x"))
			.append("innerInstructions", List.of(new Document("programId", "p").append("data", "0OIl"))));
		staged.insertOne(new Document("_id", "null-line").append("slot", 8L).append("logs", Arrays.asList("a", null))
			.append("source", "websocket").append("status", "applied").append("commitment", "confirmed"));

		StagedTransaction badInner = repository.find("bad-inner-data").orElseThrow();
		assertThat(badInner.unreadable()).startsWith("java.lang.IllegalArgumentException").contains("base58");
		assertThat(badInner.logs()).isEmpty();
		assertThat(badInner.err()).as("what reads is kept").isEqualTo(new Document("InstructionError", "x"));
		assertThat(badInner.innerInstructions()).isNull();
		assertThat(List.<Object>of(badInner.slot(), badInner.status(), badInner.commitment(), badInner.source()))
			.containsExactly(7L, StagingStatus.RECEIVED, ChainCommitment.FINALIZED, StagingSource.BACKFILL);
		assertThat(repository.find("null-line").orElseThrow().unreadable())
			.isEqualTo("java.lang.IllegalArgumentException: a log line is null");
		assertThat(repository.toApply(StagingRepository.ChainPosition.START, 10).map(StagedTransaction::signature))
			.containsExactly("bad-inner-data");
	}
}
