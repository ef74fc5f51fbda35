package io.couponsync.simulator.ledger;

/** One state of an account, written by a transaction at a slot; {@code data == null} means closed. */
public record AccountVersion(String address, String owner, long lamports, byte[] data, long slot, String signature) {

	public boolean closed() {
		return data == null;
	}
}
