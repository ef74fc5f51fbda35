package io.couponsync.jobs.decode;

import java.io.IOException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;

/** An account line, {@code {"data": "<base64>"}} or the RPC's {@code {"data": ["<base64>", "base64"]}}. */
final class AccountLine implements InputLine {

	private String data;

	private String error;

	/** The account's data as base64 text. */
	String data() {
		return data;
	}

	@Override
	public String error() {
		return error;
	}

	@Override
	public void read(LineInput line) throws IOException {
		data = null;
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
		try {
			if (line.nextToken() != JsonToken.START_OBJECT) {
				throw new InputLineException("not a JSON object");
			}
			String field;
			while ((field = line.nextName()) != null) {
				JsonToken value = line.nextToken();
				if (!"data".equals(field)) {
					line.skipChildren();
				}
				else if (value == JsonToken.VALUE_STRING) {
					data = line.getString();
				}
				else if (value == JsonToken.START_ARRAY && line.nextToken() == JsonToken.VALUE_STRING) {
					data = line.getString();
					if (line.nextToken() == JsonToken.VALUE_STRING && !"base64".equals(line.getString())) {
						throw new InputLineException("data encoding '" + line.getString() + "' is not base64");
					}
					while (line.currentToken() != JsonToken.END_ARRAY) {
						line.skipChildren();
						line.nextToken();
					}
				}
				else {
					throw new InputLineException("data is not a base64 string");
				}
			}
			if (line.nextToken() != null) {
				throw new InputLineException("trailing content after the JSON object");
			}
		}
		catch (JacksonException ex) {
			throw new InputLineException("not valid JSON: " + ex.getOriginalMessage());
		}
		if (data == null) {
			throw new InputLineException("missing data");
		}
	}
}
