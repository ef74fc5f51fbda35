package io.couponsync.jobs.decode;

import java.io.IOException;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.StrictBase64;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.JsonValueWriter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;

/**
 * {@code {"data": "<base64>"}} (or the RPC's {@code ["<base64>", "base64"]} form) →
 * {@code {"type": "Coupon", "data": {...}}} or {@code {"error": "..."}}.
 */
final class AccountLineDecoder implements DecodeCommand.LineDecoder {

	private final ProgramDecoder decoder;

	private final StrictBase64 base64 = new StrictBase64();

	private final BorshInput input = new BorshInput();

	private final StringBuilder body = new StringBuilder(1024);

	private final JsonValueWriter writer = new JsonValueWriter(body);

	AccountLineDecoder(ProgramDecoder decoder) {
		this.decoder = decoder;
	}

	@Override
	public void decode(LineInput line, JsonLineWriter out) throws IOException {
		try {
			String data = readData(line);
			base64.clear();
			base64.append(data, 0, data.length());
			body.setLength(0);
			writer.reset();
			DecodableType type = decoder.decodeAccount(input.reset(base64.buffer(), 0, base64.length()), writer);
			out.ascii("{\"type\":").quoted(type.name()).ascii(",\"data\":").json(body).ascii("}");
		}
		catch (InputLineException | DecodeException ex) {
			out.error(ex.getMessage());
		}
	}

	/** Reads the data field, token by token; other fields are skipped unread. */
	private String readData(LineInput line) throws InputLineException, IOException {
		String data = null;
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
		return data;
	}
}
