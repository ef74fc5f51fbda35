package io.couponsync.jobs.decode;

import java.io.IOException;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.StrictBase64;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.JsonValueWriter;

/**
 * {@code {"data": "<base64>"}} (or the RPC's {@code ["<base64>", "base64"]} form) →
 * {@code {"type": "Coupon", "data": {...}}} or {@code {"error": "..."}}.
 */
final class AccountLineDecoder implements DecodeCommand.LineDecoder<AccountLine> {

	private final ProgramDecoder decoder;

	private final StrictBase64 base64 = new StrictBase64();

	private final BorshInput input = new BorshInput();

	private final StringBuilder body = new StringBuilder(1024);

	private final JsonValueWriter writer = new JsonValueWriter(body);

	AccountLineDecoder(ProgramDecoder decoder) {
		this.decoder = decoder;
	}

	@Override
	public void answer(AccountLine line, JsonLineWriter out) throws IOException {
		if (line.error() != null) {
			out.error(line.error());
			return;
		}
		try {
			String data = line.data();
			base64.clear();
			base64.append(data, 0, data.length());
			body.setLength(0);
			writer.reset();
			DecodableType type = decoder.decodeAccount(input.reset(base64.buffer(), 0, base64.length()), writer);
			out.ascii("{\"type\":").quoted(type.name()).ascii(",\"data\":").json(body).ascii("}");
		}
		catch (DecodeException ex) {
			out.error(ex.getMessage());
		}
	}
}
