package io.couponsync.jobs.backfill;

import io.couponsync.chain.rpc.ConfirmationStatus;

/** One entry of getSignaturesForAddress: a transaction of the program, where it landed and how final it is. */
record SignatureRef(String signature, long slot, ConfirmationStatus confirmationStatus) {

	boolean finalized() {
		return confirmationStatus.finalized();
	}
}
