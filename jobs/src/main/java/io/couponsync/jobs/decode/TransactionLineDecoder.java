package io.couponsync.jobs.decode;

import java.io.IOException;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.logs.EventLogParser;
import io.couponsync.chain.logs.EventLogVisitor;
import io.couponsync.chain.value.JsonValueWriter;
import io.couponsync.chain.value.ValueSink;

/**
 * {@code {"signature","logs","err"}} → {@code {"signature","events","errors","truncated"}}. Events are listed as
 * logged whatever {@code err} says; giving failed transactions no effect is the apply job's business.
 */
final class TransactionLineDecoder implements DecodeCommand.LineDecoder<TransactionLine>, EventLogVisitor {

	private final EventLogParser parser;

	private final StringBuilder events = new StringBuilder(4096);

	private final StringBuilder errors = new StringBuilder(256);

	private final JsonValueWriter eventWriter = new JsonValueWriter(events);

	private int eventStart = -1;

	TransactionLineDecoder(ProgramDecoder decoder, String programId) {
		this.parser = new EventLogParser(decoder, programId);
	}

	@Override
	public void answer(TransactionLine line, JsonLineWriter out) throws IOException {
		if (line.error() != null) {
			out.error(line.error());
			return;
		}
		events.setLength(0);
		errors.setLength(0);
		boolean truncated = parser.parse(line.logs(), this);
		out.ascii("{\"signature\":");
		if (line.signature() == null) {
			out.ascii("null");
		}
		else {
			out.quoted(line.signature());
		}
		out.ascii(",\"events\":[").json(events).ascii("],\"errors\":[").json(errors)
			.ascii(truncated ? "],\"truncated\":true}" : "],\"truncated\":false}");
	}

	@Override
	public ValueSink beginEvent(int line, String eventName, String instruction) {
		eventStart = events.length();
		if (eventStart > 0) {
			events.append(',');
		}
		events.append("{\"name\":");
		JsonValueWriter.writeQuoted(events, eventName);
		events.append(",\"data\":");
		eventWriter.reset();
		return eventWriter;
	}

	@Override
	public void endEvent(int line, String eventName) {
		events.append('}');
		eventStart = -1;
	}

	@Override
	public void eventFailed(int line, DecodeException error) {
		if (eventStart >= 0) {
			events.setLength(eventStart);
			eventStart = -1;
		}
		if (!errors.isEmpty()) {
			errors.append(',');
		}
		errors.append("{\"line\":").append(line).append(",\"error\":");
		JsonValueWriter.writeQuoted(errors, error.getMessage());
		errors.append('}');
	}
}
