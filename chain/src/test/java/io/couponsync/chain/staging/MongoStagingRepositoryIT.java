package io.couponsync.chain.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
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

import io.couponsync.chain.logs.InnerInstruction;

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

	@Test
	void aTransactionTooLargeToStoreIsStagedWithoutItsContentSayingWhyAndTheRestOfTheBatchIsStaged() {
		StagedTransaction big = new StagedTransaction("big", 5, new Document("InstructionError", "x"), oversizedLogs(),
				Instant.now(), StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 77L,
				List.of(new InnerInstruction("P", new byte[] { 1 })), 0);

		StagingRepository.InsertResult result = repository.insertIfAbsent(List.of(small("a", 4), big, small("b", 6)));

		assertThat(result).isEqualTo(new StagingRepository.InsertResult(3, 0, 0, 1));
		Document stored = staged().find(new Document("_id", "big")).first();
		assertThat(stored).doesNotContainKeys("logs", "innerInstructions").containsEntry("slot", 5L)
			.containsEntry("status", "received").containsEntry("blockTime", 77L);
		assertThat(stored.getString("unstorable")).matches(
				"its document would be 17,8\\d\\d,\\d{3} bytes, over MongoDB's limit of 16,777,216; not stored: "
						+ "17 log lines and 1 inner instructions");
		StagedTransaction read = repository.find("big").orElseThrow();
		assertThat(read.unreadable()).isEqualTo("java.lang.IllegalArgumentException: the transaction is not stored "
				+ "whole: " + stored.getString("unstorable"));
		assertThat(read.logs()).isEmpty();
		assertThat(read.err()).isEqualTo(new Document("InstructionError", "x"));
		assertThat(repository.toApply(StagingRepository.ChainPosition.START, 10).map(StagedTransaction::signature))
			.as("to be dead-lettered by the apply job, in chain order").containsExactly("a", "big", "b");
		assertThat(repository.find("a").orElseThrow().logs()).containsExactly("Program log: a");

		assertThat(repository.insertIfAbsent(List.of(big, small("c", 7))))
			.isEqualTo(new StagingRepository.InsertResult(1, 1, 0, 1));
	}

	@Test
	void aTransactionUnderTheLimitIsStoredWholeHoweverCloseAndCharactersCountInUtf8Bytes() {
		List<String> under = Collections.nCopies(15, "Program log: " + "x".repeat(1 << 20));
		List<String> twoBytesEach = Collections.nCopies(9, "Program log: " + "\u00e9".repeat(1 << 20));

		assertThat(repository.insertIfAbsent(List.of(StagedTransaction.fromWebSocket("under", 5, null, under,
				Instant.now()), StagedTransaction.fromWebSocket("accented", 5, null, twoBytesEach, Instant.now()))))
			.isEqualTo(new StagingRepository.InsertResult(2, 0, 0, 1));

		assertThat(repository.find("under").orElseThrow().logs()).hasSize(15).allMatch(line -> line.length() == 13 + (1 << 20));
		assertThat(repository.find("accented").orElseThrow().unreadable()).contains("18,8").contains("9 log lines");
	}

	@Test
	void aDroppedTransactionReportedAgainTooLargeToStoreLosesItsOldLogsAndGetsThemBackWhenReportedWhole() {
		repository.insertIfAbsent(List.of(small("s", 10)));
		repository.drop(List.of("s"));

		StagingRepository.InsertResult result = repository.insertIfAbsent(List.of(StagedTransaction.fromWebSocket("s",
				12, null, oversizedLogs(), Instant.now())));

		assertThat(result).isEqualTo(new StagingRepository.InsertResult(0, 0, 1, 1));
		assertThat(staged().find(new Document("_id", "s")).first()).doesNotContainKey("logs")
			.containsEntry("slot", 12L).containsEntry("status", "received").containsKey("unstorable");
		assertThat(repository.find("s").orElseThrow().unreadable()).contains("17 log lines");

		repository.drop(List.of("s"));
		assertThat(repository.insertIfAbsent(List.of(small("s", 13)))).isEqualTo(new StagingRepository.InsertResult(0, 0, 1, 0));
		StagedTransaction whole = repository.find("s").orElseThrow();
		assertThat(whole.unreadable()).isNull();
		assertThat(whole.logs()).containsExactly("Program log: s");
		assertThat(staged().find(new Document("_id", "s")).first()).doesNotContainKey("unstorable");
	}

	@Test
	void aRefetchTooLargeToStoreLeavesTheTransactionWithoutContentSayingWhy() {
		repository.insertIfAbsent(List.of(small("w", 10)));
		repository.flagForRefetch(List.of("w"));

		long completed = repository.completeRefetch(List.of(new StagedTransaction("w", 10, null, oversizedLogs(),
				Instant.now(), StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 5L,
				List.of(), null)));

		assertThat(completed).isEqualTo(1);
		assertThat(staged().find(new Document("_id", "w")).first()).doesNotContainKeys("logs", "innerInstructions")
			.containsEntry("blockTime", 5L);
		assertThat(repository.find("w").orElseThrow().unreadable())
			.contains("not stored: 17 log lines and 0 inner instructions");
		assertThat(repository.toRefetch(10)).isEmpty();

		repository.flagForRefetch(List.of("w"));
		repository.completeRefetch(List.of(new StagedTransaction("w", 10, null, List.of("full logs"), Instant.now(),
				StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 5L, List.of(), null)));
		assertThat(repository.find("w").orElseThrow().logs()).containsExactly("full logs");
		assertThat(staged().find(new Document("_id", "w")).first()).doesNotContainKey("unstorable");
	}

	private MongoCollection<Document> staged() {
		return client.getDatabase("staging_test").getCollection("staged_transactions");
	}

	private static StagedTransaction small(String signature, long slot) {
		return StagedTransaction.fromWebSocket(signature, slot, null, List.of("Program log: " + signature),
				Instant.now());
	}

	/** 17 lines of 1 MiB: a document over MongoDB's 16 MiB whatever else it holds. */
	private static List<String> oversizedLogs() {
		return Collections.nCopies(17, "Program log: " + "x".repeat(1 << 20));
	}
}
