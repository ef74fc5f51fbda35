package io.couponsync.jobs.applyevents;

import java.util.List;

/** A transaction of the program whose events do not all decode; it goes to the dead letters, never half-applied. */
class UndecodableTransactionException extends RuntimeException {

	private final List<String> reasons;

	UndecodableTransactionException(String signature, List<String> reasons) {
		super("transaction " + signature + " does not decode: " + String.join("; ", reasons), null, false, false);
		this.reasons = List.copyOf(reasons);
	}

	List<String> reasons() {
		return reasons;
	}
}
