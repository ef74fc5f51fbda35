package io.couponsync.chain.borsh;

/**
 * Input that does not decode: says what ({@link #error()}), where (byte offset, and the field path once the
 * enclosing codecs have added it) and why. Decoding never returns a partly-wrong value instead.
 */
public final class DecodeException extends Exception {

	private final DecodeError error;

	private final int offset;

	private final String path;

	private final String detail;

	public DecodeException(DecodeError error, int offset, String detail) {
		this(error, offset, "", detail);
	}

	private DecodeException(DecodeError error, int offset, String path, String detail) {
		// why: decode errors are expected input, so no stack trace is captured
		super(null, null, false, false);
		this.error = error;
		this.offset = offset;
		this.path = path;
		this.detail = detail;
	}

	public DecodeError error() {
		return error;
	}

	public int offset() {
		return offset;
	}

	public String path() {
		return path;
	}

	/** The same error one level further out, e.g. field {@code amount} inside {@code CouponSold}. */
	public DecodeException within(String segment) {
		String joined = path.isEmpty() ? segment
				: (path.startsWith("[") ? segment + path : segment + "." + path);
		return new DecodeException(error, offset, joined, detail);
	}

	@Override
	public String getMessage() {
		String where = path.isEmpty() ? "" : " in " + path;
		return error.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + where + " at byte " + offset
				+ ": " + detail;
	}
}
