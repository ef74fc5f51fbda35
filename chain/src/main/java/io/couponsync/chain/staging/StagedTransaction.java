package io.couponsync.chain.staging;

import java.time.Instant;
import java.util.List;

import org.bson.Document;

import io.couponsync.chain.logs.InnerInstruction;

/**
 * One transaction of the program as staging holds it, raw: keyed by signature, with what the source gave
 * (slot, error, logs; inner instructions and block time when fetched with getTransaction).
 *
 * @param err the runtime error as the RPC gave it (a JSON value), or null for success
 * @param innerInstructions the transaction's inner instructions, or null when not fetched (WebSocket source)
 * @param positionInBlock the transaction's index in its block, or null until known
 * @param unreadable why staging's copy of the transaction's content (logs, inner instructions, times) cannot be
 * read, or null when it can; an unreadable one carries no logs and is dead-lettered rather than applied
 */
public record StagedTransaction(String signature, long slot, Object err, List<String> logs, Instant receivedAt,
		StagingSource source, StagingStatus status, ChainCommitment commitment, Long blockTime,
		List<InnerInstruction> innerInstructions, Integer positionInBlock, String unreadable) {

	/** A transaction whose content could be read. */
	public StagedTransaction(String signature, long slot, Object err, List<String> logs, Instant receivedAt,
			StagingSource source, StagingStatus status, ChainCommitment commitment, Long blockTime,
			List<InnerInstruction> innerInstructions, Integer positionInBlock) {
		this(signature, slot, err, logs, receivedAt, source, status, commitment, blockTime, innerInstructions,
				positionInBlock, null);
	}

	public static StagedTransaction fromWebSocket(String signature, long slot, Object err, List<String> logs,
			Instant receivedAt) {
		return new StagedTransaction(signature, slot, err, List.copyOf(logs), receivedAt, StagingSource.WEBSOCKET,
				StagingStatus.RECEIVED, ChainCommitment.CONFIRMED, null, null, null);
	}

	/** This transaction with its block's time, learned after it was staged. */
	public StagedTransaction withBlockTime(long time) {
		return new StagedTransaction(signature, slot, err, logs, receivedAt, source, status, commitment, time,
				innerInstructions, positionInBlock, unreadable);
	}

	public boolean failed() {
		return err != null;
	}

	/** The error as a document when it is one (e.g. {@code {"InstructionError": [...]}}). */
	public Document errDocument() {
		return err instanceof Document document ? document : null;
	}
}
