package io.couponsync.jobs.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;

/** A transaction line, {@code {"signature": "...", "logs": ["..."], ...}}: its signature and logs, read token by token. */
final class TransactionLine implements InputLine {

	private final List<String> logs = new ArrayList<>();

	private String signature;

	private String error;

	/** The signature, or null when the line gives none. */
	String signature() {
		return signature;
	}

	List<String> logs() {
		return logs;
	}

	@Override
	public String error() {
		return error;
	}

	@Override
	public void read(LineInput line) throws IOException {
		logs.clear();
		signature = null;
		error = null;
		try {
			readFields(line);
		}
		catch (InputLineException ex) {
			error = ex.getMessage();
		}
	}

	/** Other fields are skipped unread, whatever they hold. */
	private void readFields(LineInput line) throws InputLineException, IOException {
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
	}
}
