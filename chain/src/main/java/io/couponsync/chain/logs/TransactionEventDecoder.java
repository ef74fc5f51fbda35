package io.couponsync.chain.logs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeError;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.idl.Discriminator;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.chain.value.ValueSink;

/**
 * Decodes all of a transaction's events of one program into value trees: {@code emit!} events from the logs and
 * {@code emit_cpi!} events from inner instructions (the program invoking itself with Anchor's event-instruction
 * tag, then discriminator and body). One instance per thread.
 */
public final class TransactionEventDecoder {

	/** Anchor's EVENT_IX_TAG, sha256("anchor:event")[0..8], that prefixes emit_cpi! instruction data. */
	public static final long EVENT_INSTRUCTION_TAG = Discriminator.readLong(
			new byte[] { (byte) 0xe4, 0x45, (byte) 0xa5, 0x2e, 0x51, (byte) 0xcb, (byte) 0x9a, 0x1d }, 0);

	private final ProgramDecoder decoder;

	private final EventLogParser logParser;

	private final BorshInput input = new BorshInput();

	private final TreeValueBuilder tree = new TreeValueBuilder();

	public TransactionEventDecoder(ProgramDecoder decoder, String programId) {
		this.decoder = decoder;
		this.logParser = new EventLogParser(decoder, programId);
	}

	/** Receives a transaction's events as they are decoded, into whatever sink it gives (trees, BSON, JSON). */
	public interface Visitor {

		/**
		 * An event begins; its fields go to the returned sink. {@code instruction}: the instruction that emitted it
		 * (see {@link EventLogVisitor#beginEvent}; for {@code emit_cpi!} events, see
		 * {@link EventLogParser#eventCpiInstructions}), null where the logs do not tell.
		 */
		ValueSink beginEvent(DecodedEvent.Source source, int position, String name, String instruction);

		void endEvent(DecodedEvent.Source source, int position, String name);

		void eventFailed(DecodedEvent.Source source, int position, DecodeException error);
	}

	/** What {@link #decode(List, List, Visitor)} found besides the events. */
	public record Outcome(boolean truncated, boolean selfInvoked) {
	}

	/** Decodes into value trees. */
	public TransactionEvents decode(List<String> logs, List<InnerInstruction> innerInstructions) {
		List<DecodedEvent> events = new ArrayList<>();
		List<EventError> errors = new ArrayList<>();
		Outcome outcome = decode(logs, innerInstructions, new Visitor() {

			private String instruction;

			@Override
			public ValueSink beginEvent(DecodedEvent.Source source, int position, String name, String instruction) {
				this.instruction = instruction;
				tree.reset();
				return tree;
			}

			@Override
			@SuppressWarnings("unchecked")
			public void endEvent(DecodedEvent.Source source, int position, String name) {
				events.add(new DecodedEvent(source, position, name, instruction, (Map<String, Object>) tree.result()));
			}

			@Override
			public void eventFailed(DecodedEvent.Source source, int position, DecodeException error) {
				errors.add(new EventError(source, position, error));
			}
		});
		return new TransactionEvents(List.copyOf(events), List.copyOf(errors), outcome.truncated());
	}

	/**
	 * The one decoding path, for production and the simulator's ground truth alike: {@code emit!} events from the
	 * logs, in order, then {@code emit_cpi!} events from the inner instructions (null when not fetched).
	 */
	public Outcome decode(List<String> logs, List<InnerInstruction> innerInstructions, Visitor visitor) {
		boolean truncated = logs != null && logParser.parse(logs, new EventLogVisitor() {
			@Override
			public ValueSink beginEvent(int line, String eventName, String instruction) {
				return visitor.beginEvent(DecodedEvent.Source.LOG, line, eventName, instruction);
			}

			@Override
			public void endEvent(int line, String eventName) {
				visitor.endEvent(DecodedEvent.Source.LOG, line, eventName);
			}

			@Override
			public void eventFailed(int line, DecodeException error) {
				visitor.eventFailed(DecodedEvent.Source.LOG, line, error);
			}
		});
		boolean selfInvoked = logs != null && logParser.sawSelfInvocation();
		if (innerInstructions != null) {
			List<String> emittedBy = cpiEventInstructions(logs, truncated, innerInstructions);
			int event = 0;
			for (int i = 0; i < innerInstructions.size(); i++) {
				if (isEventInstruction(innerInstructions.get(i))) {
					decodeCpiEvent(i, innerInstructions.get(i), emittedBy.get(event++), visitor);
				}
			}
		}
		return new Outcome(truncated, selfInvoked);
	}

	private boolean isEventInstruction(InnerInstruction instruction) {
		byte[] data = instruction.data();
		return logParser.programId().equals(instruction.programId()) && data.length >= Discriminator.LENGTH
				&& Discriminator.readLong(data, 0) == EVENT_INSTRUCTION_TAG;
	}

	/**
	 * The instruction that emitted each event instruction, in order: the logs' self-invocations matched one to one
	 * when they count as many; otherwise the one instruction complete logs name; else null for all (logs cut short
	 * may hide other instructions).
	 */
	private List<String> cpiEventInstructions(List<String> logs, boolean truncated,
			List<InnerInstruction> innerInstructions) {
		int events = (int) innerInstructions.stream().filter(this::isEventInstruction).count();
		if (logs != null && logParser.eventCpiInstructions().size() == events) {
			return logParser.eventCpiInstructions();
		}
		String only = logs != null && !truncated && logParser.namedInstructions().size() == 1
				? logParser.namedInstructions().get(0) : null;
		return Collections.nCopies(events, only);
	}

	private void decodeCpiEvent(int index, InnerInstruction instruction, String emittedBy, Visitor visitor) {
		byte[] data = instruction.data();
		try {
			input.reset(data, Discriminator.LENGTH, data.length - Discriminator.LENGTH);
			if (input.remaining() < Discriminator.LENGTH) {
				throw new DecodeException(DecodeError.DATA_TOO_SHORT, 0,
						"needed 8 bytes for the event discriminator after the event-instruction tag");
			}
			DecodableType type = decoder.event(data, Discriminator.LENGTH);
			if (type == null) {
				// why: the decoder says which discriminator is unknown, in its own words
				tree.reset();
				decoder.decodeEvent(input, tree);
			}
			ValueSink sink = visitor.beginEvent(DecodedEvent.Source.CPI, index, type.name(), emittedBy);
			decoder.decodeEvent(input, sink);
			visitor.endEvent(DecodedEvent.Source.CPI, index, type.name());
		}
		catch (DecodeException ex) {
			visitor.eventFailed(DecodedEvent.Source.CPI, index, ex);
		}
	}
}
