package io.couponsync.chain.idl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that an IDL can be decoded: every defined type exists, generics are declared and given, and no two
 * events or accounts share a discriminator.
 */
final class IdlValidator {

	private final Idl idl;

	IdlValidator(Idl idl) {
		this.idl = idl;
	}

	void validate() {
		for (IdlTypeDefinition definition : idl.types().values()) {
			Set<String> generics = new HashSet<>(definition.genericParameters());
			String where = "types." + definition.name();
			if (definition.body() instanceof IdlTypeDefinition.Struct struct) {
				checkFields(struct.fields(), generics, where);
			}
			else if (definition.body() instanceof IdlTypeDefinition.Enum enumeration) {
				for (IdlTypeDefinition.Variant variant : enumeration.variants()) {
					checkFields(variant.fields(), generics, where + "." + variant.name());
				}
			}
			else if (definition.body() instanceof IdlTypeDefinition.Alias alias) {
				checkType(alias.target(), generics, where);
			}
		}
		Map<Long, String> eventDiscriminators = new HashMap<>();
		for (IdlEvent event : idl.events()) {
			checkType(event.type(), Set.of(), "events." + event.name());
			String clash = eventDiscriminators.put(event.discriminator().value(), event.name());
			if (clash != null) {
				throw new IdlException("events " + clash + " and " + event.name() + " share discriminator "
						+ event.discriminator());
			}
		}
		Map<Long, String> accountDiscriminators = new HashMap<>();
		for (IdlAccount account : idl.accounts()) {
			checkType(account.type(), Set.of(), "accounts." + account.name());
			String clash = accountDiscriminators.put(account.discriminator().value(), account.name());
			if (clash != null) {
				throw new IdlException("accounts " + clash + " and " + account.name() + " share discriminator "
						+ account.discriminator());
			}
		}
	}

	private void checkFields(List<IdlField> fields, Set<String> generics, String where) {
		for (IdlField field : fields) {
			checkType(field.type(), generics, where + "." + field.name());
		}
	}

	private void checkType(IdlType type, Set<String> generics, String where) {
		if (type instanceof IdlType.Vec vec) {
			checkType(vec.element(), generics, where);
		}
		else if (type instanceof IdlType.Option option) {
			checkType(option.inner(), generics, where);
		}
		else if (type instanceof IdlType.COption option) {
			checkType(option.inner(), generics, where);
		}
		else if (type instanceof IdlType.Array array) {
			checkType(array.element(), generics, where);
			if (array.length() instanceof IdlType.GenericLength length && !generics.contains(length.name())) {
				throw new IdlException(where + ": array length uses undeclared generic '" + length.name() + "'");
			}
		}
		else if (type instanceof IdlType.Generic generic) {
			if (!generics.contains(generic.name())) {
				throw new IdlException(where + ": uses undeclared generic '" + generic.name() + "'");
			}
		}
		else if (type instanceof IdlType.Defined defined) {
			IdlTypeDefinition definition = idl.type(defined.name());
			if (definition == null) {
				throw new IdlException(where + ": refers to type '" + defined.name() + "', which the IDL does not define");
			}
			if (definition.genericParameters().size() != defined.arguments().size()) {
				throw new IdlException(where + ": type '" + defined.name() + "' takes "
						+ definition.genericParameters().size() + " generic arguments, given "
						+ defined.arguments().size());
			}
			for (IdlType.GenericArgument argument : defined.arguments()) {
				if (argument instanceof IdlType.TypeArgument typeArgument) {
					checkType(typeArgument.type(), generics, where);
				}
			}
		}
	}
}
