package io.couponsync.chain.logs;

import java.util.ArrayList;
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

	public TransactionEvents decode(List<String> logs, List<InnerInstruction> innerInstructions) {
		List<DecodedEvent> events = new ArrayList<>();
		List<EventError> errors = new ArrayList<>();
		boolean truncated = logs != null && logParser.parse(logs, new EventLogVisitor() {
			@Override
			public ValueSink beginEvent(int line, String eventName) {
				tree.reset();
				return tree;
			}

			@Override
			@SuppressWarnings("unchecked")
			public void endEvent(int line, String eventName) {
				events.add(new DecodedEvent(DecodedEvent.Source.LOG, line, eventName,
						(Map<String, Object>) tree.result()));
			}

			@Override
			public void eventFailed(int line, DecodeException error) {
				errors.add(new EventError(DecodedEvent.Source.LOG, line, error));
			}
		});
		if (innerInstructions != null) {
			for (int i = 0; i < innerInstructions.size(); i++) {
				decodeCpiEvent(i, innerInstructions.get(i), events, errors);
			}
		}
		return new TransactionEvents(List.copyOf(events), List.copyOf(errors), truncated);
	}

	@SuppressWarnings("unchecked")
	private void decodeCpiEvent(int index, InnerInstruction instruction, List<DecodedEvent> events,
			List<EventError> errors) {
		byte[] data = instruction.data();
		if (!logParser.programId().equals(instruction.programId()) || data.length < Discriminator.LENGTH
				|| Discriminator.readLong(data, 0) != EVENT_INSTRUCTION_TAG) {
			return;
		}
		try {
			input.reset(data, Discriminator.LENGTH, data.length - Discriminator.LENGTH);
			if (input.remaining() < Discriminator.LENGTH) {
				throw new DecodeException(DecodeError.DATA_TOO_SHORT, 0,
						"needed 8 bytes for the event discriminator after the event-instruction tag");
			}
			tree.reset();
			DecodableType event = decoder.decodeEvent(input, tree);
			events.add(new DecodedEvent(DecodedEvent.Source.CPI, index, event.name(),
					(Map<String, Object>) tree.result()));
		}
		catch (DecodeException ex) {
			errors.add(new EventError(DecodedEvent.Source.CPI, index, ex));
		}
	}
}
