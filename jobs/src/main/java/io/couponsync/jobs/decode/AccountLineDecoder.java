package io.couponsync.jobs.decode;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.StrictBase64;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.JsonValueWriter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code {"data": "<base64>"}} (or the RPC's {@code ["<base64>", "base64"]} form) →
 * {@code {"type": "Coupon", "data": {...}}} or {@code {"error": "..."}}.
 */
final class AccountLineDecoder implements DecodeCommand.LineDecoder {

	private final JsonFactory json = new JsonFactory();

	private final ProgramDecoder decoder;

	private final StrictBase64 base64 = new StrictBase64();

	private final BorshInput input = new BorshInput();

	private final StringBuilder body = new StringBuilder(1024);

	private final JsonValueWriter writer = new JsonValueWriter(body);

	AccountLineDecoder(ProgramDecoder decoder) {
		this.decoder = decoder;
	}

	@Override
	public void decode(String line, StringBuilder out) {
		try {
			String data = readData(line);
			base64.clear();
			base64.append(data, 0, data.length());
			body.setLength(0);
			writer.reset();
			DecodableType type = decoder.decodeAccount(input.reset(base64.buffer(), 0, base64.length()), writer);
			out.append("{\"type\":");
			JsonValueWriter.writeQuoted(out, type.name());
			out.append(",\"data\":").append(body).append('}');
		}
		catch (InputLineException | DecodeException ex) {
			out.append("{\"error\":");
			JsonValueWriter.writeQuoted(out, ex.getMessage());
			out.append('}');
		}
	}

	private String readData(String line) throws InputLineException {
		String data = null;
		try (JsonParser p = json.createParser(ObjectReadContext.empty(), line)) {
			if (p.nextToken() != JsonToken.START_OBJECT) {
				throw new InputLineException("not a JSON object");
			}
			String field;
			while ((field = p.nextName()) != null) {
				JsonToken value = p.nextToken();
				if (!"data".equals(field)) {
					p.skipChildren();
				}
				else if (value == JsonToken.VALUE_STRING) {
					data = p.getString();
				}
				else if (value == JsonToken.START_ARRAY && p.nextToken() == JsonToken.VALUE_STRING) {
					data = p.getString();
					if (p.nextToken() == JsonToken.VALUE_STRING && !"base64".equals(p.getString())) {
						throw new InputLineException("data encoding '" + p.getString() + "' is not base64");
					}
					while (p.currentToken() != JsonToken.END_ARRAY) {
						p.skipChildren();
						p.nextToken();
					}
				}
				else {
					throw new InputLineException("data is not a base64 string");
				}
			}
			if (p.nextToken() != null) {
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
