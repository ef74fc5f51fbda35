package io.couponsync.jobs.decode;

import java.util.ArrayList;
import java.util.List;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.logs.EventLogParser;
import io.couponsync.chain.logs.EventLogVisitor;
import io.couponsync.chain.value.JsonValueWriter;
import io.couponsync.chain.value.ValueSink;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code {"signature","logs","err"}} → {@code {"signature","events","errors","truncated"}}. Events are listed as
 * logged whatever {@code err} says; giving failed transactions no effect is the apply job's business.
 */
final class TransactionLineDecoder implements DecodeCommand.LineDecoder, EventLogVisitor {

	private final JsonFactory json = new JsonFactory();

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
	public void decode(String input, StringBuilder out) {
		String signature;
		try {
			signature = readInput(input);
		}
		catch (InputLineException ex) {
			out.append("{\"error\":");
			JsonValueWriter.writeQuoted(out, ex.getMessage());
			out.append('}');
			return;
		}
		events.setLength(0);
		errors.setLength(0);
		boolean truncated = parser.parse(logs, this);
		out.append("{\"signature\":");
		if (signature == null) {
			out.append("null");
		}
		else {
			JsonValueWriter.writeQuoted(out, signature);
		}
		out.append(",\"events\":[").append(events).append("],\"errors\":[").append(errors)
			.append("],\"truncated\":").append(truncated).append('}');
	}

	/** Reads the signature and fills {@link #logs}; other fields are skipped unread. */
	private String readInput(String input) throws InputLineException {
		logs.clear();
		String signature = null;
		boolean sawLogs = false;
		try (JsonParser p = json.createParser(ObjectReadContext.empty(), input)) {
			if (p.nextToken() != JsonToken.START_OBJECT) {
				throw new InputLineException("not a JSON object");
			}
			String field;
			while ((field = p.nextName()) != null) {
				JsonToken value = p.nextToken();
				if ("signature".equals(field)) {
					if (value == JsonToken.VALUE_STRING) {
						signature = p.getString();
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
					while (p.nextToken() == JsonToken.VALUE_STRING) {
						logs.add(p.getString());
					}
					if (p.currentToken() != JsonToken.END_ARRAY) {
						throw new InputLineException("logs is not an array of strings");
					}
				}
				else {
					p.skipChildren();
				}
			}
			if (p.nextToken() != null) {
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
