package io.couponsync.jobs.applyevents;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.bson.BsonDocument;

import org.springframework.batch.infrastructure.item.ItemProcessor;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.logs.TransactionEventDecoder;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.chain.value.ValueSink;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.readmodel.ChangeVersion;
import io.couponsync.chain.logs.DecodedEvent;

/**
 * Decodes a staged transaction's events with the IDL, straight into BSON: {@code emit!} events from its logs, then
 * {@code emit_cpi!} events from its inner instructions when staged with them. A failed transaction passes with no
 * events (it had no effect); one whose events do not all decode, or that carries an event the read model has no
 * projection for (an IDL update that adds one, an event the program declares but never emits), is an
 * {@link UndecodableTransactionException}: dead-lettered with the reason, never half-applied. So is one whose staged
 * document cannot be read (logs that are not strings, inner-instruction data that is not base58).
 * Not thread-safe: a step-scoped instance per step execution.
 */
class TransactionDecodingProcessor implements ItemProcessor<StagedTransaction, DecodedTransaction> {

	/** The chain module's transaction decoder: the one path production and the simulator's ground truth share. */
	private final TransactionEventDecoder decoder;

	private final BsonValueWriter bson = new BsonValueWriter();

	private final Set<String> projected;

	TransactionDecodingProcessor(ProgramDecoder decoder, String programId, Set<String> projected) {
		this.decoder = new TransactionEventDecoder(decoder, programId);
		this.projected = projected;
	}

	@Override
	public DecodedTransaction process(StagedTransaction staged) {
		if (staged.unreadable() != null) {
			throw new UndecodableTransactionException(staged.signature(),
					List.of("staging's document cannot be read: " + staged.unreadable()));
		}
		if (staged.failed()) {
			return new DecodedTransaction(staged, List.of(), false, false);
		}
		List<ChainEvent> events = new ArrayList<>();
		List<String> errors = new ArrayList<>();
		TransactionEventDecoder.Outcome outcome = decoder.decode(staged.logs(), staged.innerInstructions(),
				new TransactionEventDecoder.Visitor() {

					private BsonDocument document;

					private String instruction;

					@Override
					public ValueSink beginEvent(DecodedEvent.Source source, int position, String name,
							String instruction) {
						this.instruction = instruction;
						document = bson.start();
						return bson;
					}

					@Override
					public void endEvent(DecodedEvent.Source source, int position, String name) {
						events.add(new ChainEvent(staged.signature(), events.size(), name, new ChangeVersion(
								staged.slot(), staged.positionInBlock(), staged.signature(), events.size()), document,
								staged.blockTime(), instruction));
					}

					@Override
					public void eventFailed(DecodedEvent.Source source, int position, DecodeException error) {
						errors.add((source == DecodedEvent.Source.LOG ? "log line " : "inner instruction ") + position
								+ ": " + error.getMessage());
					}
				});
		for (ChainEvent event : events) {
			if (!projected.contains(event.name())) {
				errors.add("event " + event.index() + ", " + event.name() + ", has no projection in the read model");
			}
		}
		if (!errors.isEmpty()) {
			throw new UndecodableTransactionException(staged.signature(), errors);
		}
		return new DecodedTransaction(staged, events, outcome.truncated(),
				(outcome.selfInvoked() || outcome.truncated()) && staged.innerInstructions() == null);
	}
}
