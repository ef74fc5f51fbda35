package io.couponsync.chain.idl;

import java.util.List;

/** A type as an Anchor IDL writes it: a primitive, a container of another type, a defined type or a generic. */
public sealed interface IdlType {

	/** Fixed- or variable-size primitive types of the Borsh encoding. */
	enum Primitive implements IdlType {
		BOOL, U8, I8, U16, I16, U32, I32, F32, U64, I64, F64, U128, I128, U256, I256, STRING, BYTES, PUBKEY
	}

	record Vec(IdlType element) implements IdlType {
	}

	record Option(IdlType inner) implements IdlType {
	}

	/** Solana's C-compatible option: a 4-byte tag instead of Borsh's 1-byte tag. */
	record COption(IdlType inner) implements IdlType {
	}

	record Array(IdlType element, ArrayLength length) implements IdlType {
	}

	record Defined(String name, List<GenericArgument> arguments) implements IdlType {
	}

	/** A reference to a type parameter of the enclosing defined type. */
	record Generic(String name) implements IdlType {
	}

	/** An array length: a number, or the name of a const generic parameter. */
	sealed interface ArrayLength {
	}

	record FixedLength(int value) implements ArrayLength {
	}

	record GenericLength(String name) implements ArrayLength {
	}

	/** An argument given to a generic defined type: a type, or a constant for a const generic. */
	sealed interface GenericArgument {
	}

	record TypeArgument(IdlType type) implements GenericArgument {
	}

	record ConstArgument(String value) implements GenericArgument {
	}
}
