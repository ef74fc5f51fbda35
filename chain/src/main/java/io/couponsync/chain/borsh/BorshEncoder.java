package io.couponsync.chain.borsh;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.idl.Discriminator;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlAccount;
import io.couponsync.chain.idl.IdlEvent;
import io.couponsync.chain.idl.IdlException;
import io.couponsync.chain.idl.IdlField;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;

/**
 * Encodes value trees (the form {@link io.couponsync.chain.value.TreeValueBuilder} builds) to Borsh by IDL type:
 * the inverse of decoding, for the simulator and for tests. Integers may be given as any {@link Number}; a value
 * that does not fit its type is an {@link IllegalArgumentException}.
 */
public final class BorshEncoder {

	private final Idl idl;

	public BorshEncoder(Idl idl) {
		this.idl = idl;
	}

	/** Discriminator + body of the named event. */
	public byte[] encodeEvent(String eventName, Map<String, ?> fields) {
		IdlEvent event = idl.events().stream().filter(e -> e.name().equals(eventName)).findFirst()
			.orElseThrow(() -> new IllegalArgumentException("the IDL has no event " + eventName));
		return encodeWithDiscriminator(event.discriminator(), event.type(), fields);
	}

	/** Discriminator + data of the named account type. */
	public byte[] encodeAccount(String accountName, Map<String, ?> fields) {
		IdlAccount account = idl.accounts().stream().filter(a -> a.name().equals(accountName)).findFirst()
			.orElseThrow(() -> new IllegalArgumentException("the IDL has no account " + accountName));
		return encodeWithDiscriminator(account.discriminator(), account.type(), fields);
	}

	private byte[] encodeWithDiscriminator(Discriminator discriminator, IdlType type, Object value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		out.writeBytes(discriminator.bytes());
		encode(type, value, Map.of(), out);
		return out.toByteArray();
	}

	public byte[] encode(IdlType type, Object value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		encode(type, value, Map.of(), out);
		return out.toByteArray();
	}

	private void encode(IdlType type, Object value, Map<String, IdlType.GenericArgument> generics,
			ByteArrayOutputStream out) {
		if (type instanceof IdlType.Primitive primitive) {
			primitive(primitive, value, out);
		}
		else if (type instanceof IdlType.Vec vec) {
			if (value instanceof byte[] bytes) {
				writeLittleEndian(bytes.length, 4, out);
				out.writeBytes(bytes);
				return;
			}
			List<?> list = (List<?>) value;
			writeLittleEndian(list.size(), 4, out);
			list.forEach(element -> encode(vec.element(), element, generics, out));
		}
		else if (type instanceof IdlType.Array array) {
			int length = array.length() instanceof IdlType.FixedLength fixed ? fixed.value()
					: Integer.parseInt(((IdlType.ConstArgument) generics
						.get(((IdlType.GenericLength) array.length()).name())).value());
			if (value instanceof byte[] bytes) {
				requireLength(bytes.length, length);
				out.writeBytes(bytes);
				return;
			}
			List<?> list = (List<?>) value;
			requireLength(list.size(), length);
			list.forEach(element -> encode(array.element(), element, generics, out));
		}
		else if (type instanceof IdlType.Option option) {
			out.write(value == null ? 0 : 1);
			if (value != null) {
				encode(option.inner(), value, generics, out);
			}
		}
		else if (type instanceof IdlType.COption option) {
			writeLittleEndian(value == null ? 0 : 1, 4, out);
			if (value != null) {
				encode(option.inner(), value, generics, out);
			}
		}
		else if (type instanceof IdlType.Generic generic) {
			encode(((IdlType.TypeArgument) generics.get(generic.name())).type(), value, Map.of(), out);
		}
		else {
			defined((IdlType.Defined) type, value, generics, out);
		}
	}

	private void defined(IdlType.Defined defined, Object value, Map<String, IdlType.GenericArgument> outer,
			ByteArrayOutputStream out) {
		IdlTypeDefinition definition = idl.type(defined.name());
		if (definition == null) {
			throw new IdlException("type '" + defined.name() + "' is not defined");
		}
		Map<String, IdlType.GenericArgument> generics = new HashMap<>();
		for (int i = 0; i < definition.genericParameters().size(); i++) {
			IdlType.GenericArgument argument = defined.arguments().get(i);
			if (argument instanceof IdlType.TypeArgument typeArgument
					&& typeArgument.type() instanceof IdlType.Generic generic) {
				argument = outer.get(generic.name());
			}
			generics.put(definition.genericParameters().get(i), argument);
		}
		if (definition.body() instanceof IdlTypeDefinition.Struct struct) {
			fields(struct.fields(), (Map<?, ?>) value, generics, out);
		}
		else if (definition.body() instanceof IdlTypeDefinition.Enum enumeration) {
			EnumValue enumValue = (EnumValue) value;
			List<IdlTypeDefinition.Variant> variants = enumeration.variants();
			for (int i = 0; i < variants.size(); i++) {
				if (variants.get(i).name().equals(enumValue.variant())) {
					out.write(i);
					fields(variants.get(i).fields(), enumValue.fields(), generics, out);
					return;
				}
			}
			throw new IllegalArgumentException(defined.name() + " has no variant " + enumValue.variant());
		}
		else {
			encode(((IdlTypeDefinition.Alias) definition.body()).target(), value, generics, out);
		}
	}

	private void fields(List<IdlField> fields, Map<?, ?> values, Map<String, IdlType.GenericArgument> generics,
			ByteArrayOutputStream out) {
		for (IdlField field : fields) {
			if (!values.containsKey(field.name())) {
				throw new IllegalArgumentException("missing field " + field.name());
			}
			encode(field.type(), values.get(field.name()), generics, out);
		}
	}

	private static void primitive(IdlType.Primitive type, Object value, ByteArrayOutputStream out) {
		switch (type) {
			case BOOL -> out.write((Boolean) value ? 1 : 0);
			case U8, I8 -> writeInteger(value, 1, type == IdlType.Primitive.I8, out);
			case U16, I16 -> writeInteger(value, 2, type == IdlType.Primitive.I16, out);
			case U32, I32 -> writeInteger(value, 4, type == IdlType.Primitive.I32, out);
			case U64, I64 -> writeInteger(value, 8, type == IdlType.Primitive.I64, out);
			case U128, I128 -> writeInteger(value, 16, type == IdlType.Primitive.I128, out);
			case U256, I256 -> writeInteger(value, 32, type == IdlType.Primitive.I256, out);
			case F32 -> writeLittleEndian(Float.floatToRawIntBits(((Number) value).floatValue()), 4, out);
			case F64 -> writeLittleEndian(Double.doubleToRawLongBits(((Number) value).doubleValue()), 8, out);
			case STRING -> {
				byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
				writeLittleEndian(bytes.length, 4, out);
				out.writeBytes(bytes);
			}
			case BYTES -> {
				byte[] bytes = (byte[]) value;
				writeLittleEndian(bytes.length, 4, out);
				out.writeBytes(bytes);
			}
			case PUBKEY -> out.writeBytes(value instanceof PublicKey key ? key.toByteArray()
					: PublicKey.fromBase58((String) value).toByteArray());
		}
	}

	private static void writeInteger(Object value, int size, boolean signed, ByteArrayOutputStream out) {
		BigInteger number = value instanceof BigInteger big ? big : new BigInteger(value.toString());
		BigInteger min = signed ? BigInteger.ONE.shiftLeft(size * 8 - 1).negate() : BigInteger.ZERO;
		BigInteger max = signed ? BigInteger.ONE.shiftLeft(size * 8 - 1).subtract(BigInteger.ONE)
				: BigInteger.ONE.shiftLeft(size * 8).subtract(BigInteger.ONE);
		if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
			throw new IllegalArgumentException(value + " does not fit " + (signed ? "i" : "u") + size * 8);
		}
		for (int i = 0; i < size; i++) {
			out.write(number.shiftRight(8 * i).intValue() & 0xFF);
		}
	}

	private static void writeLittleEndian(long value, int size, ByteArrayOutputStream out) {
		for (int i = 0; i < size; i++) {
			out.write((int) (value >>> (8 * i)) & 0xFF);
		}
	}

	private static void requireLength(int actual, int expected) {
		if (actual != expected) {
			throw new IllegalArgumentException("array needs " + expected + " elements, got " + actual);
		}
	}
}
