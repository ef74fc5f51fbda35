package io.couponsync.chain.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWriter;
import org.bson.BsonWriter;
import org.bson.types.Decimal128;

import io.couponsync.chain.Base58;

/**
 * Writes a decoded struct as a BSON document for the read model, without loss: camelCase field names, Int32 or
 * Int64 for integers that fit, Decimal128 for u64 above Long.MAX_VALUE, decimal strings for 128- and 256-bit
 * integers (Decimal128 holds only 34 digits), base58 strings for pubkeys, binary for byte arrays, a unit enum
 * as its variant's name and any other enum as {@code {Variant: {fields}}}.
 */
public final class BsonValueWriter implements ValueSink {

	private BsonDocument document;

	private BsonWriter writer;

	private int enumDepth;

	private boolean[] enumHasDocument = new boolean[8];

	/** Starts a new top-level document; the decoded value must be a struct. */
	public BsonDocument start() {
		document = new BsonDocument();
		writer = new BsonDocumentWriter(document);
		enumDepth = 0;
		return document;
	}

	public BsonDocument document() {
		return document;
	}

	@Override
	public void beginObject() {
		writer.writeStartDocument();
	}

	@Override
	public void name(FieldName name) {
		writer.writeName(name.camelCase());
	}

	@Override
	public void endObject() {
		writer.writeEndDocument();
	}

	@Override
	public void beginArray() {
		writer.writeStartArray();
	}

	@Override
	public void endArray() {
		writer.writeEndArray();
	}

	@Override
	public void beginEnum(String variant, boolean unit) {
		if (enumDepth == enumHasDocument.length) {
			enumHasDocument = Arrays.copyOf(enumHasDocument, enumDepth * 2);
		}
		enumHasDocument[enumDepth++] = !unit;
		if (unit) {
			writer.writeString(variant);
		}
		else {
			writer.writeStartDocument();
			writer.writeName(variant);
		}
	}

	@Override
	public void endEnum() {
		if (enumHasDocument[--enumDepth]) {
			writer.writeEndDocument();
		}
	}

	@Override
	public void nullValue() {
		writer.writeNull();
	}

	@Override
	public void boolValue(boolean value) {
		writer.writeBoolean(value);
	}

	@Override
	public void smallInteger(long value) {
		if (value == (int) value) {
			writer.writeInt32((int) value);
		}
		else {
			writer.writeInt64(value);
		}
	}

	@Override
	public void integer64(long value, boolean unsigned) {
		if (unsigned && value < 0) {
			writer.writeDecimal128(new Decimal128(new BigDecimal(Long.toUnsignedString(value))));
		}
		else {
			writer.writeInt64(value);
		}
	}

	@Override
	public void bigInteger(BigInteger value) {
		writer.writeString(value.toString());
	}

	@Override
	public void float32(float value) {
		writer.writeDouble(value);
	}

	@Override
	public void float64(double value) {
		writer.writeDouble(value);
	}

	@Override
	public void string(String value) {
		writer.writeString(value);
	}

	@Override
	public void pubkey(byte[] source, int offset) {
		writer.writeString(Base58.encode(source, offset, PublicKey.LENGTH));
	}

	@Override
	public void bytes(byte[] source, int offset, int length) {
		writer.writeBinaryData(new BsonBinary(Arrays.copyOfRange(source, offset, offset + length)));
	}
}
