package io.couponsync.chain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds little-endian byte vectors by hand for decoder tests, independently of the encoder under test. */
public final class ByteVector {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	public static ByteVector of(int... bytes) {
		return new ByteVector().bytes(bytes);
	}

	public ByteVector bytes(int... bytes) {
		for (int b : bytes) {
			out.write(b);
		}
		return this;
	}

	public ByteVector bytes(byte[] bytes) {
		out.writeBytes(bytes);
		return this;
	}

	public ByteVector le(long value, int size) {
		for (int i = 0; i < size; i++) {
			out.write((int) (value >>> (8 * i)) & 0xFF);
		}
		return this;
	}

	public ByteVector u8(int v) {
		return le(v, 1);
	}

	public ByteVector u16(int v) {
		return le(v, 2);
	}

	public ByteVector u32(long v) {
		return le(v, 4);
	}

	public ByteVector u64(long v) {
		return le(v, 8);
	}

	public ByteVector string(String s) {
		byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
		return u32(utf8.length).bytes(utf8);
	}

	public ByteVector repeat(int value, int count) {
		for (int i = 0; i < count; i++) {
			out.write(value);
		}
		return this;
	}

	public byte[] toArray() {
		return out.toByteArray();
	}

	public String base64() {
		return Base64.getEncoder().encodeToString(toArray());
	}
}
