package io.couponsync.chain.value;

import java.util.Arrays;

import io.couponsync.chain.Base58;

/** A 32-byte Solana address in a decoded value tree; its text form is base58. */
public final class PublicKey {

	public static final int LENGTH = 32;

	private final byte[] bytes;

	public PublicKey(byte[] bytes) {
		if (bytes.length != LENGTH) {
			throw new IllegalArgumentException("a public key has 32 bytes, not " + bytes.length);
		}
		this.bytes = bytes.clone();
	}

	public static PublicKey fromBase58(String text) {
		return new PublicKey(Base58.decode(text));
	}

	public byte[] toByteArray() {
		return bytes.clone();
	}

	public String toBase58() {
		return Base58.encode(bytes);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof PublicKey key && Arrays.equals(bytes, key.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(bytes);
	}

	@Override
	public String toString() {
		return toBase58();
	}
}
