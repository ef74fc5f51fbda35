package io.couponsync.jobs.applyevents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bson.Document;

import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingSource;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.simulator.GroundTruth;
import io.couponsync.simulator.ledger.LedgerTransaction;
import tools.jackson.databind.json.JsonMapper;

/** Stages the simulator's transactions as the backfill stages getTransaction answers: with inner instructions. */
public final class LedgerStaging {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private LedgerStaging() {
	}

	public static StagedTransaction staged(LedgerTransaction transaction) {
		List<InnerInstruction> inner = GroundTruth.innerInstructions(transaction);
		Object err = transaction.draft().err() == null ? null
				: Document.parse(JSON.writeValueAsString((Map<?, ?>) transaction.draft().err()));
		return new StagedTransaction(transaction.signature(), transaction.slot(), err, transaction.draft().logs(),
				Instant.now(), StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED,
				transaction.blockTime(), inner, transaction.indexInBlock());
	}

	public static List<StagedTransaction> staged(List<LedgerTransaction> transactions) {
		return transactions.stream().map(LedgerStaging::staged).toList();
	}

	/** As the listener and the crawler stage them: where each sits in its block is not known yet. */
	public static List<StagedTransaction> stagedWithoutPositions(List<LedgerTransaction> transactions) {
		return transactions.stream().map(LedgerStaging::staged)
			.map(t -> new StagedTransaction(t.signature(), t.slot(), t.err(), t.logs(), t.receivedAt(), t.source(),
					t.status(), t.commitment(), t.blockTime(), t.innerInstructions(), null))
			.toList();
	}

	/** As a log notification stages it: without its block's time. */
	public static StagedTransaction withoutBlockTime(StagedTransaction t) {
		return new StagedTransaction(t.signature(), t.slot(), t.err(), t.logs(), t.receivedAt(), t.source(), t.status(),
				t.commitment(), null, t.innerInstructions(), t.positionInBlock());
	}
}
