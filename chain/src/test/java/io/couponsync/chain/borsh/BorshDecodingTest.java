package io.couponsync.chain.borsh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.bson.BsonDocument;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ByteVector;
import io.couponsync.chain.Fixtures;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.JsonValueWriter;
import io.couponsync.chain.value.PublicKey;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.chain.value.ValueSink;

class BorshDecodingTest {

	private static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

	private final Idl idl = Fixtures.idl("all_types.json");

	private final ProgramDecoder decoder = ProgramDecoder.compile(idl);

	private final CodecCompiler compiler = new CodecCompiler(idl);

	/** Every field of the Everything event, written byte by byte. */
	private static byte[] everything() {
		return ByteVector.of(11, 12, 13, 14, 15, 16, 17, 18)
			.u8(1) // flag
			.u8(255) // a_u8
			.u8(0x80) // a_i8 = -128
			.u16(65535) // a_u16
			.u16(0xFFFE) // a_i16 = -2
			.u32(4294967295L) // a_u32
			.u32(0x80000000L) // a_i32 = Integer.MIN_VALUE
			.u32(Float.floatToIntBits(1.5f)) // a_f32
			.u64(-1L) // a_u64 = 2^64 - 1
			.u64(Long.MIN_VALUE) // a_i64
			.u64(Double.doubleToLongBits(-0.25)) // a_f64
			.repeat(0xFF, 16) // a_u128 = 2^128 - 1
			.repeat(0xFF, 16) // a_i128 = -1
			.string("héllo \"q\"\n") // label
			.u32(3).bytes(1, 2, 3) // blob
			.bytes(Base58.decode(TOKEN_PROGRAM)) // owner
			.u32(2).u16(1).u16(513) // numbers
			.u32(2).bytes(9, 8) // raw
			.u8(1).u64(0) // maybe = Some(0)
			.u32(0) // c_maybe = None
			.bytes(1, 2, 3, 4) // fixed
			.u8(1).u8(1).u8(2).u8(0) // pairs
			.u32(1).u16(0xFFFF).u16(2) // grid = [[-1, 2]]
			.u8(2).u16(3).u16(4) // shape = Rect { 3, 4 }
			.u32(2).u8(0).u8(1).u32(7) // shapes = [Empty, Circle(7)]
			.u8(5).string("x") // tuple
			.u32(10).u32(1).u32(2).u32(3) // wrapped = Wrapper<u32, 3>
			.u64(42) // amount (alias of u64)
			.u8(1).u32(2).u8(0).u8(1).u8(9).u8(0) // nested = Some([None, Some(Pair { 9, false })])
			.toArray();
	}

	@Test
	void writesEveryTypeAsAnchorsCoderWritesJson() throws DecodeException {
		StringBuilder json = new StringBuilder();
		ProgramDecoder.DecodableType type = decoder.decodeEvent(input(everything()), new JsonValueWriter(json));

		assertThat(type.name()).isEqualTo("Everything");
		assertThat(json.toString()).isEqualTo("{\"flag\":true,\"a_u8\":255,\"a_i8\":-128,\"a_u16\":65535,"
				+ "\"a_i16\":-2,\"a_u32\":4294967295,\"a_i32\":-2147483648,\"a_f32\":1.5,"
				+ "\"a_u64\":\"18446744073709551615\",\"a_i64\":\"-9223372036854775808\",\"a_f64\":-0.25,"
				+ "\"a_u128\":\"340282366920938463463374607431768211455\",\"a_i128\":\"-1\","
				+ "\"label\":\"héllo \\\"q\\\"\\n\",\"blob\":[1,2,3],\"owner\":\"" + TOKEN_PROGRAM + "\","
				+ "\"numbers\":[1,513],\"raw\":[9,8],\"maybe\":\"0\",\"c_maybe\":null,\"fixed\":[1,2,3,4],"
				+ "\"pairs\":[{\"key\":1,\"value\":true},{\"key\":2,\"value\":false}],\"grid\":[[-1,2]],"
				+ "\"shape\":{\"Rect\":{\"width\":3,\"height\":4}},\"shapes\":[{\"Empty\":{}},{\"Circle\":{\"0\":7}}],"
				+ "\"tuple\":{\"0\":5,\"1\":\"x\"},\"wrapped\":{\"inner\":10,\"many\":[1,2,3]},\"amount\":\"42\","
				+ "\"nested\":[null,{\"key\":9,\"value\":false}]}");
	}

	@Test
	@SuppressWarnings("unchecked")
	void buildsJavaValuesWithoutLoss() throws DecodeException {
		TreeValueBuilder tree = new TreeValueBuilder();
		decoder.decodeEvent(input(everything()), tree);
		Map<String, Object> value = (Map<String, Object>) tree.result();

		assertThat(value.get("a_u64")).isEqualTo(new BigInteger("18446744073709551615"));
		assertThat(value.get("a_i64")).isEqualTo(Long.MIN_VALUE);
		assertThat(value.get("a_u32")).isEqualTo(4294967295L);
		assertThat(value.get("a_u8")).isEqualTo(255);
		assertThat(value.get("a_u128")).isEqualTo(BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
		assertThat(value.get("owner")).isEqualTo(PublicKey.fromBase58(TOKEN_PROGRAM));
		assertThat(value.get("raw")).isEqualTo(new byte[] { 9, 8 });
		assertThat(value.get("shape")).isEqualTo(new EnumValue("Rect", Map.of("width", 3, "height", 4)));
		assertThat((List<Object>) value.get("shapes")).containsExactly(new EnumValue("Empty", Map.of()),
				new EnumValue("Circle", Map.of("0", 7)));
		assertThat(value.get("maybe")).isEqualTo(0L);
		assertThat(value.get("c_maybe")).isNull();
		assertThat(value.keySet()).startsWith("flag", "a_u8", "a_i8");
	}

	@Test
	void writesBsonWithCamelCaseNamesAndLosslessNumbers() throws DecodeException {
		BsonValueWriter bson = new BsonValueWriter();
		BsonDocument document = bson.start();
		decoder.decodeEvent(input(everything()), bson);

		assertThat(document.getDecimal128("aU64").getValue())
			.isEqualTo(new Decimal128(new BigDecimal("18446744073709551615")));
		assertThat(document.getInt64("aI64").getValue()).isEqualTo(Long.MIN_VALUE);
		assertThat(document.getInt64("aU32").getValue()).isEqualTo(4294967295L);
		assertThat(document.getInt32("aU8").getValue()).isEqualTo(255);
		assertThat(document.getString("aU128").getValue()).isEqualTo("340282366920938463463374607431768211455");
		assertThat(document.getString("owner").getValue()).isEqualTo(TOKEN_PROGRAM);
		assertThat(document.getBinary("raw").getData()).containsExactly(9, 8);
		assertThat(document.getDocument("shape").getDocument("Rect").getInt32("height").getValue()).isEqualTo(4);
		assertThat(document.getArray("shapes").get(0).asString().getValue()).isEqualTo("Empty");
		assertThat(document.getInt64("amount").getValue()).isEqualTo(42);
		assertThat(document.isNull("cMaybe")).isTrue();
	}

	@Test
	void widensF32AsJavaScriptDoes() throws DecodeException {
		assertThat(json(IdlType.Primitive.F32, ByteVector.of().u32(Float.floatToIntBits(1.1f)).toArray()))
			.isEqualTo("1.100000023841858");
		assertThat(json(IdlType.Primitive.F64, ByteVector.of().u64(Double.doubleToLongBits(Double.NaN)).toArray()))
			.isEqualTo("null");
	}

	@Test
	void writesZeroAndSmallSixtyFourBitValuesAsStrings() throws DecodeException {
		assertThat(json(IdlType.Primitive.U64, ByteVector.of().u64(0).toArray())).isEqualTo("\"0\"");
		assertThat(json(IdlType.Primitive.I64, ByteVector.of().u64(-5).toArray())).isEqualTo("\"-5\"");
		assertThat(json(IdlType.Primitive.U128, ByteVector.of().repeat(0, 16).toArray())).isEqualTo("\"0\"");
		assertThat(json(IdlType.Primitive.I128, ByteVector.of().repeat(0, 15).u8(0x80).toArray()))
			.isEqualTo("\"" + BigInteger.TWO.pow(127).negate() + "\"");
	}

	@Test
	void toleratesTrailingBytesAfterACompleteBody() throws DecodeException {
		byte[] data = ByteVector.of(21, 22, 23, 24, 25, 26, 27, 28).u64(7).string("ok").bytes(0, 0, 0, 9).toArray();
		StringBuilder json = new StringBuilder();
		decoder.decodeEvent(input(data), new JsonValueWriter(json));
		assertThat(json.toString()).isEqualTo("{\"value\":\"7\",\"note\":\"ok\"}");
	}

	@Test
	void refusesEveryMalformedBodyWithWhatAndWhere() {
		byte[] small = { 21, 22, 23, 24, 25, 26, 27, 28 };
		assertError(() -> decoder.decodeEvent(input(ByteVector.of().bytes(small).u32(7).toArray()), sink()),
				DecodeError.DATA_TOO_SHORT, "data too short in Small.value at byte 8: needed 8 bytes for u64, 4 left");
		assertError(() -> decoder.decodeEvent(input(ByteVector.of().bytes(small).u64(1).u32(100).bytes(65, 66).toArray()), sink()),
				DecodeError.DATA_TOO_SHORT, "Small.note at byte 16: string length 100 needs at least 100 bytes, 2 left");
		assertError(() -> decoder.decodeEvent(input(ByteVector.of().bytes(small).u64(1).u32(2).bytes(0xC3, 0x28).toArray()), sink()),
				DecodeError.INVALID_UTF8, "Small.note at byte 20: string is not valid UTF-8");
		assertError(() -> decoder.decodeEvent(input(new byte[] { 21, 22, 23 }), sink()),
				DecodeError.DATA_TOO_SHORT, "needed 8 bytes for event discriminator");
		assertError(() -> decoder.decodeEvent(input(ByteVector.of(9, 9, 9, 9, 9, 9, 9, 9).toArray()), sink()),
				DecodeError.UNKNOWN_DISCRIMINATOR, "no event has discriminator 0909090909090909");
		assertError(() -> decode(defined("Pair"), new byte[] { 1, 2 }),
				DecodeError.BAD_BOOL, "bad bool in value at byte 1: bool byte is 2, not 0 or 1");
		assertError(() -> decode(new IdlType.Option(IdlType.Primitive.U8), new byte[] { 2, 0 }),
				DecodeError.BAD_OPTION_TAG, "option tag is 2, not 0 or 1");
		assertError(() -> decode(new IdlType.COption(IdlType.Primitive.U8), ByteVector.of().u32(7).toArray()),
				DecodeError.BAD_OPTION_TAG, "option tag is 7");
		assertError(() -> decode(defined("Shape"), new byte[] { 3 }),
				DecodeError.BAD_ENUM_VARIANT, "Shape has 3 variants, got index 3");
		assertError(() -> decode(new IdlType.Vec(IdlType.Primitive.U16), ByteVector.of().u32(0xFFFFFFFFL).toArray()),
				DecodeError.DATA_TOO_SHORT, "vec length 4294967295 needs at least 8589934590 bytes, 0 left");
		assertError(() -> decode(new IdlType.Vec(defined("Pair")), ByteVector.of().u32(2).bytes(1, 1, 1, 5).toArray()),
				DecodeError.BAD_BOOL, "in [1].value at byte 7");
		assertError(() -> decode(IdlType.Primitive.PUBKEY, new byte[31]),
				DecodeError.DATA_TOO_SHORT, "needed 32 bytes for pubkey, 31 left");
	}

	@Test
	void decodesAccountsByDiscriminatorAndToleratesSpareSpace() throws DecodeException {
		byte[] vault = ByteVector.of(1, 2, 3, 4, 5, 6, 7, 8).bytes(Base58.decode(TOKEN_PROGRAM)).u64(1000).u8(1).u32(9)
			.repeat(0, 64)
			.toArray();
		StringBuilder json = new StringBuilder();
		ProgramDecoder.DecodableType type = decoder.decodeAccount(input(vault), new JsonValueWriter(json));

		assertThat(type.name()).isEqualTo("Vault");
		assertThat(json.toString())
			.isEqualTo("{\"authority\":\"" + TOKEN_PROGRAM + "\",\"balance\":\"1000\",\"kind\":{\"Circle\":{\"0\":9}}}");
		assertError(() -> decoder.decodeAccount(input(new byte[8]), sink()), DecodeError.UNKNOWN_DISCRIMINATOR,
				"no account has discriminator 0000000000000000");
	}

	private static IdlType defined(String name) {
		return new IdlType.Defined(name, List.of());
	}

	private String json(IdlType type, byte[] data) throws DecodeException {
		StringBuilder json = new StringBuilder();
		compiler.compile(type).decode(input(data), new JsonValueWriter(json));
		return json.toString();
	}

	private void decode(IdlType type, byte[] data) throws DecodeException {
		compiler.compile(type).decode(input(data), sink());
	}

	private static ValueSink sink() {
		return new JsonValueWriter(new StringBuilder());
	}

	private static BorshInput input(byte[] data) {
		return new BorshInput().reset(data, 0, data.length);
	}

	private static void assertError(ThrowingCall call, DecodeError error, String message) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(DecodeException.class,
				ex -> assertThat(ex.error()).isEqualTo(error))
			.hasMessageContaining(message);
	}

	interface ThrowingCall {

		void run() throws DecodeException;
	}
}
