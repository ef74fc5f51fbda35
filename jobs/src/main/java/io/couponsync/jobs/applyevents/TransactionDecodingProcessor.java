package io.couponsync.jobs.applyevents;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.bson.BsonDocument;

import org.springframework.batch.infrastructure.item.ItemProcessor;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.idl.Discriminator;
import io.couponsync.chain.logs.EventLogParser;
import io.couponsync.chain.logs.EventLogVisitor;
import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.logs.TransactionEventDecoder;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.chain.value.ValueSink;
import io.couponsync.jobs.readmodel.ChainEvent;
import io.couponsync.jobs.readmodel.ChangeVersion;

/**
 * Decodes a staged transaction's events with the IDL, straight into BSON: {@code emit!} events from its logs, then
 * {@code emit_cpi!} events from its inner instructions when staged with them. A failed transaction passes with no
 * events (it had no effect); one whose events do not all decode, or that carries an event the read model has no
 * projection for (an IDL update that adds one, an event the program declares but never emits), is an
 * {@link UndecodableTransactionException}: dead-lettered with the reason, never half-applied.
 * Not thread-safe: a step-scoped instance per step execution.
 */
class TransactionDecodingProcessor implements ItemProcessor<StagedTransaction, DecodedTransaction> {

	private final ProgramDecoder decoder;

	private final String programId;

	private final EventLogParser parser;

	private final BorshInput input = new BorshInput();

	private final Set<String> projected;

	TransactionDecodingProcessor(ProgramDecoder decoder, String programId, Set<String> projected) {
		this.decoder = decoder;
		this.projected = projected;
		this.programId = programId;
		this.parser = new EventLogParser(decoder, programId);
	}

	@Override
	public DecodedTransaction process(StagedTransaction staged) {
		if (staged.failed()) {
			return new DecodedTransaction(staged, List.of(), false, false);
		}
		List<ChainEvent> events = new ArrayList<>();
		List<String> errors = new ArrayList<>();
		boolean truncated = parser.parse(staged.logs(), new EventLogVisitor() {

			private final BsonValueWriter bson = new BsonValueWriter();

			private BsonDocument document;

			@Override
			public ValueSink beginEvent(int line, String eventName) {
				document = bson.start();
				return bson;
			}

			@Override
			public void endEvent(int line, String eventName) {
				events.add(event(staged, events.size(), eventName, document));
			}

			@Override
			public void eventFailed(int line, DecodeException error) {
				errors.add("log line " + line + ": " + error.getMessage());
			}
		});
		boolean selfInvoked = parser.sawSelfInvocation();
		if (staged.innerInstructions() != null) {
			for (int i = 0; i < staged.innerInstructions().size(); i++) {
				decodeCpiEvent(staged, i, events, errors);
			}
		}
		for (ChainEvent event : events) {
			if (!projected.contains(event.name())) {
				errors.add("event " + event.index() + ", " + event.name() + ", has no projection in the read model");
			}
		}
		if (!errors.isEmpty()) {
			throw new UndecodableTransactionException(staged.signature(), errors);
		}
		return new DecodedTransaction(staged, events, truncated, selfInvoked && staged.innerInstructions() == null);
	}

	private void decodeCpiEvent(StagedTransaction staged, int index, List<ChainEvent> events, List<String> errors) {
		InnerInstruction instruction = staged.innerInstructions().get(index);
		byte[] data = instruction.data();
		if (!programId.equals(instruction.programId()) || data.length < Discriminator.LENGTH
				|| Discriminator.readLong(data, 0) != TransactionEventDecoder.EVENT_INSTRUCTION_TAG) {
			return;
		}
		BsonValueWriter bson = new BsonValueWriter();
		BsonDocument document = bson.start();
		try {
			String name = decoder.decodeEvent(input.reset(data, Discriminator.LENGTH, data.length - Discriminator.LENGTH),
					bson).name();
			events.add(event(staged, events.size(), name, document));
		}
		catch (DecodeException ex) {
			errors.add("inner instruction " + index + ": " + ex.getMessage());
		}
	}

	private static ChainEvent event(StagedTransaction staged, int index, String name, BsonDocument data) {
		return new ChainEvent(staged.signature(), index, name,
				new ChangeVersion(staged.slot(), staged.positionInBlock(), staged.signature(), index), data);
	}
}
