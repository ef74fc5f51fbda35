package io.couponsync.jobs.backfill;

/** One entry of getSignaturesForAddress: a transaction of the program, where it landed and how final it is. */
record SignatureRef(String signature, long slot, String confirmationStatus) {

	boolean finalized() {
		return "finalized".equals(confirmationStatus);
	}
}
