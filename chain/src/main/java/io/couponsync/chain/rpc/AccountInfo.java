package io.couponsync.chain.rpc;

import java.util.Base64;

import tools.jackson.databind.JsonNode;

/** An account as the chain holds it: the program that owns it and its data (base64 in the answer, decoded). */
public record AccountInfo(String owner, byte[] data) {

	/** The account of a base64-encoded answer, or null where the answer says it does not exist. */
	static AccountInfo of(JsonNode account) {
		if (account == null || account.isNull()) {
			return null;
		}
		String data = account.path("data").path(0).asString(null);
		if (data == null) {
			throw new RpcException("an account answer without base64 data: " + abbreviate(account.toString()), 0, null);
		}
		try {
			return new AccountInfo(account.path("owner").asString(), Base64.getDecoder().decode(data));
		}
		catch (IllegalArgumentException ex) {
			throw new RpcException("an account answer whose data is not base64: " + ex.getMessage(), 0, ex);
		}
	}

	private static String abbreviate(String text) {
		return text.length() > 200 ? text.substring(0, 200) + "..." : text;
	}
}
