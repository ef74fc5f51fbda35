package io.couponsync.chain.rpc;

/**
 * One account as read, with the context slot of the answer that carried it: the slot the read describes. A null
 * {@code account} is one that does not exist at that slot.
 */
public record AccountRead(AccountInfo account, long contextSlot) {

	public boolean exists() {
		return account != null;
	}
}
