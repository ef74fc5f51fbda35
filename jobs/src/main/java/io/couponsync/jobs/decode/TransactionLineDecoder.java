package io.couponsync.jobs.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.logs.EventLogParser;
import io.couponsync.chain.logs.EventLogVisitor;
import io.couponsync.chain.value.JsonValueWriter;
import io.couponsync.chain.value.ValueSink;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;

/**
 * {@code {"signature","logs","err"}} → {@code {"signature","events","errors","truncated"}}. Events are listed as
 * logged whatever {@code err} says; giving failed transactions no effect is the apply job's business.
 */
final class TransactionLineDecoder implements DecodeCommand.LineDecoder, EventLogVisitor {

	private final EventLogParser parser;

	private final List<String> logs = new ArrayList<>();

	private final StringBuilder events = new StringBuilder(4096);

	private final StringBuilder errors = new StringBuilder(256);

	private final JsonValueWriter eventWriter = new JsonValueWriter(events);

	private int eventStart = -1;

	TransactionLineDecoder(ProgramDecoder decoder, String programId) {
		this.parser = new EventLogParser(decoder, programId);
	}

	@Override
	public void decode(LineInput line, JsonLineWriter out) throws IOException {
		String signature;
		try {
			signature = readInput(line);
		}
		catch (InputLineException ex) {
			out.error(ex.getMessage());
			return;
		}
		events.setLength(0);
		errors.setLength(0);
		boolean truncated = parser.parse(logs, this);
		out.ascii("{\"signature\":");
		if (signature == null) {
			out.ascii("null");
		}
		else {
			out.quoted(signature);
		}
		out.ascii(",\"events\":[").json(events).ascii("],\"errors\":[").json(errors)
			.ascii(truncated ? "],\"truncated\":true}" : "],\"truncated\":false}");
	}

	/** Reads the signature and fills {@link #logs}, token by token; other fields are skipped unread. */
	private String readInput(LineInput line) throws InputLineException, IOException {
		logs.clear();
		String signature = null;
		boolean sawLogs = false;
		try {
			if (line.nextToken() != JsonToken.START_OBJECT) {
				throw new InputLineException("not a JSON object");
			}
			String field;
			while ((field = line.nextName()) != null) {
				JsonToken value = line.nextToken();
				if ("signature".equals(field)) {
					if (value == JsonToken.VALUE_STRING) {
						signature = line.getString();
					}
					else if (value != JsonToken.VALUE_NULL) {
						throw new InputLineException("signature is not a string");
					}
				}
				else if ("logs".equals(field)) {
					if (value != JsonToken.START_ARRAY) {
						throw new InputLineException("logs is not an array of strings");
					}
					sawLogs = true;
					while (line.nextToken() == JsonToken.VALUE_STRING) {
						logs.add(line.getString());
					}
					if (line.currentToken() != JsonToken.END_ARRAY) {
						throw new InputLineException("logs is not an array of strings");
					}
				}
				else {
					line.skipChildren();
				}
			}
			if (line.nextToken() != null) {
				throw new InputLineException("trailing content after the JSON object");
			}
		}
		catch (JacksonException ex) {
			throw new InputLineException("not valid JSON: " + ex.getOriginalMessage());
		}
		if (!sawLogs) {
			throw new InputLineException("missing logs");
		}
		return signature;
	}

	@Override
	public ValueSink beginEvent(int line, String eventName) {
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
