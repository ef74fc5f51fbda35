package io.couponsync.chain.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.logs.InnerInstruction;

/** What every staging repository must do; each implementation's test extends this. */
public abstract class StagingRepositoryContract {

	protected abstract StagingRepository repository();

	private static StagedTransaction transaction(String signature, long slot) {
		return StagedTransaction.fromWebSocket(signature, slot, null, List.of("Program x invoke [1]"),
				Instant.now().truncatedTo(ChronoUnit.MILLIS));
	}

	@Test
	void insertsEachSignatureOnceAndCountsDuplicates() {
		StagingRepository.InsertResult first = repository()
			.insertIfAbsent(List.of(transaction("a", 1), transaction("b", 2)));
		StagingRepository.InsertResult second = repository()
			.insertIfAbsent(List.of(transaction("b", 2), transaction("c", 3), transaction("a", 1)));

		assertThat(first).isEqualTo(new StagingRepository.InsertResult(2, 0));
		assertThat(second).isEqualTo(new StagingRepository.InsertResult(1, 2));
		assertThat(repository().count()).isEqualTo(3);
		assertThat(repository().existing(List.of("a", "c", "zz"))).containsExactlyInAnyOrder("a", "c");
	}

	@Test
	void leavesAnExistingDocumentExactlyAsItIs() {
		repository().insertIfAbsent(List.of(transaction("s", 10)));
		StagedTransaction different = new StagedTransaction("s", 99, new Document("InstructionError", 1),
				List.of("other"), Instant.EPOCH, StagingSource.BACKFILL, StagingStatus.RECEIVED,
				ChainCommitment.CONFIRMED, 5L, List.of(), 3);

		repository().insertIfAbsent(List.of(different));

		StagedTransaction kept = repository().find("s").orElseThrow();
		assertThat(kept.slot()).isEqualTo(10);
		assertThat(kept.source()).isEqualTo(StagingSource.WEBSOCKET);
		assertThat(kept.err()).isNull();
	}

	@Test
	void keepsEveryFieldOfABackfilledTransaction() {
		Instant received = Instant.parse("2026-11-27T10:00:00.123Z");
		StagedTransaction full = new StagedTransaction("full", 42,
				new Document("InstructionError", List.of(1, new Document("Custom", 6000))), List.of("l1", "l2"),
				received, StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, 1_767_225_600L,
				List.of(new InnerInstruction("Prog", new byte[] { 1, 2, 3 })), 7);

		repository().insertIfAbsent(List.of(full));
		StagedTransaction read = repository().find("full").orElseThrow();

		assertThat(read.slot()).isEqualTo(42);
		assertThat(read.errDocument()).containsKey("InstructionError");
		assertThat(read.logs()).containsExactly("l1", "l2");
		assertThat(read.receivedAt()).isEqualTo(received);
		assertThat(read.blockTime()).isEqualTo(1_767_225_600L);
		assertThat(read.positionInBlock()).isEqualTo(7);
		assertThat(read.innerInstructions()).hasSize(1);
		assertThat(read.innerInstructions().get(0).data()).containsExactly(1, 2, 3);
		assertThat(repository().find("missing")).isEmpty();
	}
}
