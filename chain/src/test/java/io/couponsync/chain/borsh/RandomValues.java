package io.couponsync.chain.borsh;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlField;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;

/**
 * Random values of any IDL type in the canonical tree form of {@code TreeValueBuilder}, with edge values (zero,
 * extremes, empty and non-ASCII strings) drawn often.
 */
final class RandomValues {

	private final Idl idl;

	private final Random random;

	RandomValues(Idl idl, long seed) {
		this.idl = idl;
		this.random = new Random(seed);
	}

	Object of(IdlType type) {
		return of(type, Map.of());
	}

	private Object of(IdlType type, Map<String, IdlType.GenericArgument> generics) {
		if (type instanceof IdlType.Primitive primitive) {
			return primitive(primitive);
		}
		if (type instanceof IdlType.Vec vec) {
			int size = random.nextInt(4);
			return sequence(vec.element(), size, generics);
		}
		if (type instanceof IdlType.Array array) {
			int size = array.length() instanceof IdlType.FixedLength fixed ? fixed.value()
					: Integer.parseInt(((IdlType.ConstArgument) generics
						.get(((IdlType.GenericLength) array.length()).name())).value());
			return sequence(array.element(), size, generics);
		}
		if (type instanceof IdlType.Option option) {
			return random.nextBoolean() ? null : of(option.inner(), generics);
		}
		if (type instanceof IdlType.COption option) {
			return random.nextBoolean() ? null : of(option.inner(), generics);
		}
		if (type instanceof IdlType.Generic generic) {
			return of(((IdlType.TypeArgument) generics.get(generic.name())).type(), Map.of());
		}
		IdlType.Defined defined = (IdlType.Defined) type;
		IdlTypeDefinition definition = idl.type(defined.name());
		Map<String, IdlType.GenericArgument> inner = new HashMap<>();
		for (int i = 0; i < definition.genericParameters().size(); i++) {
			inner.put(definition.genericParameters().get(i), defined.arguments().get(i));
		}
		if (definition.body() instanceof IdlTypeDefinition.Struct struct) {
			return fields(struct.fields(), inner);
		}
		if (definition.body() instanceof IdlTypeDefinition.Enum enumeration) {
			IdlTypeDefinition.Variant variant = enumeration.variants()
				.get(random.nextInt(enumeration.variants().size()));
			return new EnumValue(variant.name(), variant.unit() ? Map.of() : fields(variant.fields(), inner));
		}
		return of(((IdlTypeDefinition.Alias) definition.body()).target(), inner);
	}

	private Object sequence(IdlType element, int size, Map<String, IdlType.GenericArgument> generics) {
		if (element == IdlType.Primitive.U8) {
			byte[] bytes = new byte[size];
			random.nextBytes(bytes);
			return bytes;
		}
		List<Object> list = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			list.add(of(element, generics));
		}
		return list;
	}

	private Map<String, Object> fields(List<IdlField> fields, Map<String, IdlType.GenericArgument> generics) {
		Map<String, Object> values = new LinkedHashMap<>();
		for (IdlField field : fields) {
			values.put(field.name(), of(field.type(), generics));
		}
		return values;
	}

	private Object primitive(IdlType.Primitive type) {
		return switch (type) {
			case BOOL -> random.nextBoolean();
			case U8 -> (int) integer(8, false).longValue();
			case I8 -> (int) integer(8, true).longValue();
			case U16 -> (int) integer(16, false).longValue();
			case I16 -> (int) integer(16, true).longValue();
			case I32 -> (int) integer(32, true).longValue();
			case U32 -> {
				long value = integer(32, false).longValue();
				yield value == (int) value ? (Object) (int) value : (Object) value;
			}
			case I64 -> integer(64, true).longValue();
			case U64 -> {
				BigInteger value = integer(64, false);
				yield value.bitLength() < 64 ? (Object) value.longValue() : (Object) value;
			}
			case U128 -> integer(128, false);
			case I128 -> integer(128, true);
			case U256 -> integer(256, false);
			case I256 -> integer(256, true);
			case F32 -> random.nextInt(5) == 0 ? Float.NaN : random.nextFloat() * 1000 - 500;
			case F64 -> random.nextInt(5) == 0 ? Double.NEGATIVE_INFINITY : random.nextGaussian() * 1e6;
			case STRING -> string();
			case BYTES -> {
				byte[] bytes = new byte[random.nextInt(6)];
				random.nextBytes(bytes);
				yield bytes;
			}
			case PUBKEY -> {
				byte[] key = new byte[32];
				random.nextBytes(key);
				yield new PublicKey(key);
			}
		};
	}

	private BigInteger integer(int bits, boolean signed) {
		BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
		BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
				: BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
		return switch (random.nextInt(6)) {
			case 0 -> min;
			case 1 -> max;
			case 2 -> BigInteger.ZERO;
			default -> new BigInteger(bits, random).add(min).min(max);
		};
	}

	private String string() {
		String[] samples = { "", "coupon", "Café ☕ 50% off", "🎟️ ticket", "line\nbreak \"quoted\" \\ tab\t",
				"\u0000\u001f control" };
		return random.nextInt(3) == 0 ? samples[random.nextInt(samples.length)]
				: Long.toString(random.nextLong(), 36);
	}
}
