package io.couponsync.chain.idl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The 8 bytes that prefix an Anchor event or account, kept as one little-endian long so lookups need no
 * allocation.
 */
public record Discriminator(long value) {

	public static final int LENGTH = 8;

	public static Discriminator of(byte[] bytes) {
		if (bytes.length != LENGTH) {
			throw new IllegalArgumentException("a discriminator has 8 bytes, not " + bytes.length);
		}
		return new Discriminator(readLong(bytes, 0));
	}

	/** Anchor before 0.30 derived discriminators: sha256("event:Name") or sha256("account:Name"), first 8 bytes. */
	public static Discriminator derived(String namespace, String name) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest((namespace + ":" + name).getBytes(StandardCharsets.UTF_8));
			return new Discriminator(readLong(hash, 0));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	public static long readLong(byte[] bytes, int offset) {
		long result = 0;
		for (int i = 7; i >= 0; i--) {
			result = (result << 8) | (bytes[offset + i] & 0xFFL);
		}
		return result;
	}

	public byte[] bytes() {
		byte[] bytes = new byte[LENGTH];
		for (int i = 0; i < LENGTH; i++) {
			bytes[i] = (byte) (value >>> (8 * i));
		}
		return bytes;
	}

	@Override
	public String toString() {
		return HexFormat.of().formatHex(bytes());
	}
}
