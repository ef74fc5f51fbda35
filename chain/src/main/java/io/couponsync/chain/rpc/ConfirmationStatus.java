package io.couponsync.chain.rpc;

/** How far the cluster has confirmed a transaction, as a signature status or a signature listing reports it. */
public enum ConfirmationStatus {
	PROCESSED, CONFIRMED, FINALIZED;

	/** At least confirmed: voted on by a supermajority, so on the chain the cluster follows. */
	public boolean confirmed() {
		return this != PROCESSED;
	}

	public boolean finalized() {
		return this == FINALIZED;
	}

	/** As the protocol spells it. */
	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	/** The reported status; {@code otherwise} when the answer has none (nodes before 1.5 report none). */
	static ConfirmationStatus of(String status, ConfirmationStatus otherwise) {
		return switch (status == null ? "" : status) {
			case "finalized" -> FINALIZED;
			case "confirmed" -> CONFIRMED;
			case "processed" -> PROCESSED;
			default -> otherwise;
		};
	}

	/** The status a call made at {@code commitment} vouches for when its answer names none. */
	static ConfirmationStatus atLeast(String commitment) {
		return of(commitment, PROCESSED);
	}
}
