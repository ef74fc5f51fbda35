package io.couponsync.simulator.ledger;

/** A transaction's effect on one account: its new data, or {@code data == null} when the transaction closes it. */
public record AccountWrite(String address, String owner, long lamports, byte[] data) {

	public boolean closes() {
		return data == null;
	}
}
