package io.couponsync.chain.rpc;

import tools.jackson.databind.JsonNode;

/** One getProgramAccounts entry: an account's address and the account. */
public record ProgramAccount(String address, AccountInfo account) {

	static ProgramAccount of(JsonNode entry) {
		return new ProgramAccount(entry.path("pubkey").asString(), AccountInfo.of(entry.path("account")));
	}
}
