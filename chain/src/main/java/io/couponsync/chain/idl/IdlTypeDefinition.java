package io.couponsync.chain.idl;

import java.util.List;

/** An entry of the IDL's {@code types}: a struct, an enum or an alias, possibly generic. */
public record IdlTypeDefinition(String name, List<String> genericParameters, Body body, String serialization) {

	/** What the definition is made of. */
	public sealed interface Body {
	}

	/** A struct; {@code tuple} when its fields are positional. */
	public record Struct(List<IdlField> fields, boolean tuple) implements Body {
	}

	public record Enum(List<Variant> variants) implements Body {
	}

	public record Alias(IdlType target) implements Body {
	}

	/** An enum variant: unit when it has no fields, tuple when its fields are positional. */
	public record Variant(String name, List<IdlField> fields, boolean tuple) {

		public boolean unit() {
			return fields.isEmpty() && !tuple;
		}
	}

	public boolean borshSerialized() {
		return serialization == null || "borsh".equals(serialization);
	}
}
