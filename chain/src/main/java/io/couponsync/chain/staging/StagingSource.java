package io.couponsync.chain.staging;

/** Which path brought a transaction into staging. */
public enum StagingSource {
	WEBSOCKET, BACKFILL;

	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	public static StagingSource of(String value) {
		return valueOf(value.toUpperCase(java.util.Locale.ROOT));
	}
}
