package io.couponsync.chain.borsh;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlException;
import io.couponsync.chain.idl.IdlField;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.FieldName;

/**
 * Turns IDL types into {@link Codec} trees once, resolving defined types, aliases and generics, so that decoding
 * does no lookups by name. A defined type used with the same arguments is compiled once and shared.
 */
public final class CodecCompiler {

	private final Idl idl;

	private final Map<IdlType.Defined, Codec> definedCodecs = new HashMap<>();

	private final Map<IdlType.Primitive, Codec> primitives = new EnumMap<>(IdlType.Primitive.class);

	public CodecCompiler(Idl idl) {
		this.idl = idl;
	}

	/** Compiles a type that uses no generics (an event's or account's type, an instruction argument). */
	public Codec compile(IdlType type) {
		return compile(type, Map.of());
	}

	private Codec compile(IdlType type, Map<String, IdlType.GenericArgument> generics) {
		IdlType concrete = substitute(type, generics);
		if (concrete instanceof IdlType.Primitive primitive) {
			return primitives.computeIfAbsent(primitive, PrimitiveCodec::new);
		}
		if (concrete instanceof IdlType.Vec vec) {
			return new SequenceCodec(compile(vec.element()), vec.element() == IdlType.Primitive.U8, -1);
		}
		if (concrete instanceof IdlType.Array array) {
			int length = ((IdlType.FixedLength) array.length()).value();
			return new SequenceCodec(compile(array.element()), array.element() == IdlType.Primitive.U8, length);
		}
		if (concrete instanceof IdlType.Option option) {
			return new OptionCodec(compile(option.inner()), 1);
		}
		if (concrete instanceof IdlType.COption option) {
			return new OptionCodec(compile(option.inner()), 4);
		}
		if (concrete instanceof IdlType.Defined defined) {
			return compileDefined(defined);
		}
		throw new IdlException("generic '" + ((IdlType.Generic) concrete).name() + "' has no argument");
	}

	private Codec compileDefined(IdlType.Defined defined) {
		Codec existing = definedCodecs.get(defined);
		if (existing != null) {
			return existing;
		}
		IdlTypeDefinition definition = idl.type(defined.name());
		if (definition == null) {
			throw new IdlException("type '" + defined.name() + "' is not defined");
		}
		Map<String, IdlType.GenericArgument> generics = new HashMap<>();
		for (int i = 0; i < definition.genericParameters().size(); i++) {
			generics.put(definition.genericParameters().get(i), defined.arguments().get(i));
		}
		if (!definition.borshSerialized()) {
			Codec unsupported = new UnsupportedCodec("type " + defined.name() + " uses " + definition.serialization()
					+ " serialization, which this decoder does not read");
			definedCodecs.put(defined, unsupported);
			return unsupported;
		}
		IdlTypeDefinition.Body body = definition.body();
		if (body instanceof IdlTypeDefinition.Struct struct) {
			StructCodec codec = new StructCodec();
			definedCodecs.put(defined, codec);
			defineStruct(codec, struct.fields(), generics);
			return codec;
		}
		if (body instanceof IdlTypeDefinition.Enum enumeration) {
			EnumCodec codec = new EnumCodec(defined.name());
			definedCodecs.put(defined, codec);
			List<IdlTypeDefinition.Variant> variants = enumeration.variants();
			String[] names = new String[variants.size()];
			StructCodec[] bodies = new StructCodec[variants.size()];
			for (int i = 0; i < names.length; i++) {
				IdlTypeDefinition.Variant variant = variants.get(i);
				names[i] = variant.name();
				if (!variant.unit()) {
					bodies[i] = new StructCodec();
					defineStruct(bodies[i], variant.fields(), generics);
				}
			}
			codec.define(names, bodies);
			return codec;
		}
		Codec codec = compile(((IdlTypeDefinition.Alias) body).target(), generics);
		definedCodecs.put(defined, codec);
		return codec;
	}

	private void defineStruct(StructCodec codec, List<IdlField> fields, Map<String, IdlType.GenericArgument> generics) {
		FieldName[] names = new FieldName[fields.size()];
		Codec[] codecs = new Codec[fields.size()];
		for (int i = 0; i < names.length; i++) {
			names[i] = FieldName.of(fields.get(i).name());
			codecs[i] = compile(fields.get(i).type(), generics);
		}
		codec.define(names, codecs);
	}

	/** Replaces generic parameters by their arguments, so the result names only concrete types. */
	private IdlType substitute(IdlType type, Map<String, IdlType.GenericArgument> generics) {
		if (generics.isEmpty() || type instanceof IdlType.Primitive) {
			return type;
		}
		if (type instanceof IdlType.Generic generic) {
			IdlType.GenericArgument argument = generics.get(generic.name());
			if (argument instanceof IdlType.TypeArgument typeArgument) {
				return typeArgument.type();
			}
			throw new IdlException("generic '" + generic.name() + "' is used as a type but given " + argument);
		}
		if (type instanceof IdlType.Vec vec) {
			return new IdlType.Vec(substitute(vec.element(), generics));
		}
		if (type instanceof IdlType.Option option) {
			return new IdlType.Option(substitute(option.inner(), generics));
		}
		if (type instanceof IdlType.COption option) {
			return new IdlType.COption(substitute(option.inner(), generics));
		}
		if (type instanceof IdlType.Array array) {
			IdlType.ArrayLength length = array.length();
			if (length instanceof IdlType.GenericLength genericLength) {
				length = new IdlType.FixedLength(constant(genericLength.name(), generics));
			}
			return new IdlType.Array(substitute(array.element(), generics), length);
		}
		IdlType.Defined defined = (IdlType.Defined) type;
		List<IdlType.GenericArgument> arguments = new ArrayList<>();
		for (IdlType.GenericArgument argument : defined.arguments()) {
			if (argument instanceof IdlType.TypeArgument typeArgument) {
				arguments.add(new IdlType.TypeArgument(substitute(typeArgument.type(), generics)));
			}
			else {
				arguments.add(argument);
			}
		}
		return new IdlType.Defined(defined.name(), List.copyOf(arguments));
	}

	private static int constant(String name, Map<String, IdlType.GenericArgument> generics) {
		IdlType.GenericArgument argument = generics.get(name);
		if (argument instanceof IdlType.ConstArgument constant) {
			try {
				return Integer.parseInt(constant.value());
			}
			catch (NumberFormatException ex) {
				throw new IdlException("const generic '" + name + "' is not a length: " + constant.value());
			}
		}
		throw new IdlException("const generic '" + name + "' has no constant argument");
	}
}
