package io.couponsync.jobs.accountstate;

import java.util.ArrayList;
import java.util.List;

import io.couponsync.chain.Base58;
import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.value.PublicKey;

/**
 * Reads accounts for the jobs that reconcile: getMultipleAccounts, 100 per call, with the context slot of each answer.
 * A document key that is not an address (not base58 of 32 bytes — a document no event or account could have made)
 * is not sent, which the node would refuse for the whole call: it reads as absent, as of the call's slot.
 */
public final class AccountReads {

	private AccountReads() {
	}

	public static List<AccountRead> read(SolanaRpcClient rpc, List<String> addresses, String commitment,
			long minContextSlot) {
		List<String> valid = new ArrayList<>(addresses.size());
		for (String address : addresses) {
			if (isAddress(address)) {
				valid.add(address);
			}
		}
		if (valid.size() == addresses.size()) {
			return rpc.readAccounts(addresses, commitment, minContextSlot);
		}
		List<AccountRead> validReads = valid.isEmpty() ? List.of() : rpc.readAccounts(valid, commitment, minContextSlot);
		long slot = validReads.isEmpty() ? rpc.getSlot(commitment)
				: validReads.stream().mapToLong(AccountRead::contextSlot).min().getAsLong();
		List<AccountRead> reads = new ArrayList<>(addresses.size());
		int next = 0;
		for (String address : addresses) {
			reads.add(isAddress(address) ? validReads.get(next++) : new AccountRead(null, slot));
		}
		return reads;
	}

	public static boolean isAddress(String text) {
		if (text == null || text.length() < 32 || text.length() > 44) {
			return false;
		}
		try {
			return Base58.decode(text).length == PublicKey.LENGTH;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}
}
