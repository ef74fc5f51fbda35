package io.couponsync.chain.idl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.idl.IdlType.ArrayLength;
import io.couponsync.chain.idl.IdlType.GenericArgument;
import io.couponsync.chain.idl.IdlTypeDefinition.Variant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads an Anchor IDL in the 0.30+ format (discriminators given, {@code pubkey}, {@code defined: {name}}) or the
 * legacy format (discriminators derived from names, {@code publicKey}, {@code defined: "Name"}, event fields
 * inline) into one {@link Idl}. Every problem is an {@link IdlException} naming the JSON path.
 */
public final class IdlLoader {

	private IdlLoader() {
	}

	public static Idl load(Path file) {
		if (!Files.isReadable(file)) {
			throw new IdlException("IDL file " + file + " does not exist or cannot be read");
		}
		try (InputStream in = Files.newInputStream(file)) {
			return load(in, file.toString());
		}
		catch (IOException ex) {
			throw new IdlException("IDL file " + file + " cannot be read: " + ex.getMessage(), ex);
		}
	}

	public static Idl load(InputStream in, String sourceName) {
		JsonNode root;
		try {
			root = JsonTree.read(in);
		}
		catch (JacksonException ex) {
			throw new IdlException("IDL " + sourceName + " is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		try {
			return new Reader(root).read();
		}
		catch (IdlException ex) {
			throw new IdlException("IDL " + sourceName + ": " + ex.getMessage(), ex);
		}
	}

	public static Idl parse(String json) {
		return load(new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "<text>");
	}

	/** One pass over one IDL document. */
	private static final class Reader {

		private final JsonNode root;

		private final Map<String, IdlTypeDefinition> types = new LinkedHashMap<>();

		Reader(JsonNode root) {
			this.root = root;
		}

		Idl read() {
			if (root == null || !root.isObject()) {
				throw new IdlException("the document is not a JSON object");
			}
			String address = text(root.get("address"));
			if (address == null) {
				address = text(root.path("metadata").get("address"));
			}
			String name = text(root.path("metadata").get("name"));
			if (name == null) {
				name = text(root.get("name"));
			}
			JsonNode typesNode = root.path("types");
			for (int i = 0; i < typesNode.size(); i++) {
				IdlTypeDefinition definition = typeDefinition(typesNode.get(i), "types[" + i + "]");
				types.put(definition.name(), definition);
			}
			List<IdlAccount> accounts = accounts();
			List<IdlEvent> events = events();
			List<IdlInstruction> instructions = instructions();
			Idl idl = new Idl(address, name, Map.copyOf(types), List.copyOf(events), List.copyOf(accounts),
					List.copyOf(instructions));
			new IdlValidator(idl).validate();
			return idl;
		}

		private List<IdlEvent> events() {
			List<IdlEvent> events = new ArrayList<>();
			JsonNode node = root.path("events");
			for (int i = 0; i < node.size(); i++) {
				String where = "events[" + i + "]";
				JsonNode event = node.get(i);
				String eventName = requiredText(event, "name", where);
				if (event.has("fields")) {
					// legacy: the event carries its fields inline and has no entry in types
					types.putIfAbsent(eventName, new IdlTypeDefinition(eventName, List.of(),
							new IdlTypeDefinition.Struct(fields(event.get("fields"), where + ".fields"), false), null));
				}
				events.add(new IdlEvent(eventName, discriminator(event, "event", eventName, where),
						new IdlType.Defined(eventName, List.of())));
			}
			return events;
		}

		private List<IdlAccount> accounts() {
			List<IdlAccount> accounts = new ArrayList<>();
			JsonNode node = root.path("accounts");
			for (int i = 0; i < node.size(); i++) {
				String where = "accounts[" + i + "]";
				JsonNode account = node.get(i);
				String accountName = requiredText(account, "name", where);
				if (account.has("type")) {
					// legacy: the account carries its type inline
					types.putIfAbsent(accountName, typeDefinition(account, where));
				}
				accounts.add(new IdlAccount(accountName, discriminator(account, "account", accountName, where),
						new IdlType.Defined(accountName, List.of())));
			}
			return accounts;
		}

		private List<IdlInstruction> instructions() {
			List<IdlInstruction> instructions = new ArrayList<>();
			JsonNode node = root.path("instructions");
			for (int i = 0; i < node.size(); i++) {
				String where = "instructions[" + i + "]";
				JsonNode instruction = node.get(i);
				List<IdlInstruction.Account> accounts = new ArrayList<>();
				collectInstructionAccounts(instruction.path("accounts"), where + ".accounts", accounts);
				String instructionName = requiredText(instruction, "name", where);
				instructions.add(new IdlInstruction(instructionName,
						discriminator(instruction, "global", snakeCase(instructionName), where), List.copyOf(accounts),
						fields(instruction.path("args"), where + ".args")));
			}
			return instructions;
		}

		private void collectInstructionAccounts(JsonNode node, String where, List<IdlInstruction.Account> out) {
			for (int i = 0; i < node.size(); i++) {
				JsonNode account = node.get(i);
				String at = where + "[" + i + "]";
				if (account.has("accounts")) {
					// a composite group of accounts (Anchor's nested Accounts structs)
					collectInstructionAccounts(account.get("accounts"), at + ".accounts", out);
					continue;
				}
				List<IdlPdaSeed> seeds = new ArrayList<>();
				JsonNode seedNodes = account.path("pda").path("seeds");
				for (int s = 0; s < seedNodes.size(); s++) {
					seeds.add(seed(seedNodes.get(s), at + ".pda.seeds[" + s + "]"));
				}
				boolean writable = account.path("writable").asBoolean(false) || account.path("isMut").asBoolean(false);
				boolean signer = account.path("signer").asBoolean(false) || account.path("isSigner").asBoolean(false);
				out.add(new IdlInstruction.Account(requiredText(account, "name", at), writable, signer,
						List.copyOf(seeds)));
			}
		}

		private IdlPdaSeed seed(JsonNode seed, String where) {
			String kind = requiredText(seed, "kind", where);
			return switch (kind) {
				case "const" -> new IdlPdaSeed(IdlPdaSeed.Kind.CONST, bytes(seed.get("value"), where + ".value"), null);
				case "arg" -> new IdlPdaSeed(IdlPdaSeed.Kind.ARG, null, requiredText(seed, "path", where));
				case "account" -> new IdlPdaSeed(IdlPdaSeed.Kind.ACCOUNT, null, requiredText(seed, "path", where));
				default -> throw new IdlException(where + ".kind: unknown seed kind '" + kind + "'");
			};
		}

		private Discriminator discriminator(JsonNode node, String namespace, String name, String where) {
			JsonNode given = node.get("discriminator");
			if (given == null || given.isNull()) {
				return Discriminator.derived(namespace, name);
			}
			byte[] bytes = bytes(given, where + ".discriminator");
			if (bytes.length != Discriminator.LENGTH) {
				throw new IdlException(where + ".discriminator: expected 8 bytes, found " + bytes.length);
			}
			return Discriminator.of(bytes);
		}

		private IdlTypeDefinition typeDefinition(JsonNode node, String where) {
			String typeName = requiredText(node, "name", where);
			JsonNode type = node.get("type");
			if (type == null || !type.isObject()) {
				throw new IdlException(where + ".type: missing or not an object");
			}
			List<String> generics = new ArrayList<>();
			JsonNode genericsNode = node.path("generics");
			for (int i = 0; i < genericsNode.size(); i++) {
				JsonNode generic = genericsNode.get(i);
				generics.add(generic.isString() ? generic.stringValue()
						: requiredText(generic, "name", where + ".generics[" + i + "]"));
			}
			String kind = requiredText(type, "kind", where + ".type");
			IdlTypeDefinition.Body body = switch (kind) {
				case "struct" -> {
					JsonNode fields = type.path("fields");
					yield new IdlTypeDefinition.Struct(fields(fields, where + ".type.fields"), isTuple(fields));
				}
				case "enum" -> new IdlTypeDefinition.Enum(variants(type.path("variants"), where + ".type.variants"));
				case "type" -> new IdlTypeDefinition.Alias(type(type.get("alias"), where + ".type.alias"));
				default -> throw new IdlException(where + ".type.kind: unknown kind '" + kind + "'");
			};
			return new IdlTypeDefinition(typeName, List.copyOf(generics), body, text(node.get("serialization")));
		}

		private List<Variant> variants(JsonNode node, String where) {
			if (node.size() == 0) {
				throw new IdlException(where + ": an enum needs at least one variant");
			}
			List<Variant> variants = new ArrayList<>();
			for (int i = 0; i < node.size(); i++) {
				JsonNode variant = node.get(i);
				String at = where + "[" + i + "]";
				JsonNode fields = variant.path("fields");
				variants.add(new Variant(requiredText(variant, "name", at), fields(fields, at + ".fields"),
						isTuple(fields)));
			}
			return List.copyOf(variants);
		}

		private static boolean isTuple(JsonNode fields) {
			return fields.size() > 0 && !(fields.get(0).isObject() && fields.get(0).has("name"));
		}

		/** Named fields ({name, type}) or tuple fields (bare types, named "0", "1", ...). */
		private List<IdlField> fields(JsonNode node, String where) {
			List<IdlField> fields = new ArrayList<>();
			boolean tuple = isTuple(node);
			for (int i = 0; i < node.size(); i++) {
				JsonNode field = node.get(i);
				String at = where + "[" + i + "]";
				if (tuple) {
					fields.add(new IdlField(Integer.toString(i), type(field, at)));
				}
				else {
					fields.add(new IdlField(requiredText(field, "name", at), type(field.get("type"), at + ".type")));
				}
			}
			return List.copyOf(fields);
		}

		IdlType type(JsonNode node, String where) {
			if (node == null || node.isNull()) {
				throw new IdlException(where + ": missing type");
			}
			if (node.isString()) {
				return primitive(node.stringValue(), where);
			}
			if (!node.isObject() || node.size() != 1) {
				throw new IdlException(where + ": a type is a string or an object with one key, found " + node);
			}
			String key = node.propertyNames().iterator().next();
			JsonNode value = node.get(key);
			return switch (key) {
				case "vec" -> new IdlType.Vec(type(value, where + ".vec"));
				case "option" -> new IdlType.Option(type(value, where + ".option"));
				case "coption" -> new IdlType.COption(type(value, where + ".coption"));
				case "array" -> array(value, where + ".array");
				case "defined" -> defined(value, where + ".defined");
				case "generic" -> new IdlType.Generic(value.asString());
				default -> throw new IdlException(where + ": unknown type '" + key + "'");
			};
		}

		private IdlType array(JsonNode value, String where) {
			if (!value.isArray() || value.size() != 2) {
				throw new IdlException(where + ": expected [type, length]");
			}
			JsonNode length = value.get(1);
			ArrayLength arrayLength;
			if (length.isIntegralNumber() && length.asInt() >= 0) {
				arrayLength = new IdlType.FixedLength(length.asInt());
			}
			else if (length.isObject() && length.has("generic")) {
				arrayLength = new IdlType.GenericLength(length.get("generic").asString());
			}
			else {
				throw new IdlException(where + "[1]: an array length is a non-negative number or {generic}, found "
						+ length);
			}
			return new IdlType.Array(type(value.get(0), where + "[0]"), arrayLength);
		}

		private IdlType defined(JsonNode value, String where) {
			if (value.isString()) {
				return new IdlType.Defined(value.stringValue(), List.of());
			}
			String definedName = requiredText(value, "name", where);
			List<GenericArgument> arguments = new ArrayList<>();
			JsonNode generics = value.path("generics");
			for (int i = 0; i < generics.size(); i++) {
				JsonNode argument = generics.get(i);
				String at = where + ".generics[" + i + "]";
				String kind = requiredText(argument, "kind", at);
				if ("type".equals(kind)) {
					arguments.add(new IdlType.TypeArgument(type(argument.get("type"), at + ".type")));
				}
				else if ("const".equals(kind)) {
					arguments.add(new IdlType.ConstArgument(requiredText(argument, "value", at)));
				}
				else {
					throw new IdlException(at + ".kind: unknown generic argument kind '" + kind + "'");
				}
			}
			return new IdlType.Defined(definedName, List.copyOf(arguments));
		}

		private static IdlType primitive(String name, String where) {
			return switch (name) {
				case "bool" -> IdlType.Primitive.BOOL;
				case "u8" -> IdlType.Primitive.U8;
				case "i8" -> IdlType.Primitive.I8;
				case "u16" -> IdlType.Primitive.U16;
				case "i16" -> IdlType.Primitive.I16;
				case "u32" -> IdlType.Primitive.U32;
				case "i32" -> IdlType.Primitive.I32;
				case "f32" -> IdlType.Primitive.F32;
				case "u64" -> IdlType.Primitive.U64;
				case "i64" -> IdlType.Primitive.I64;
				case "f64" -> IdlType.Primitive.F64;
				case "u128" -> IdlType.Primitive.U128;
				case "i128" -> IdlType.Primitive.I128;
				case "u256" -> IdlType.Primitive.U256;
				case "i256" -> IdlType.Primitive.I256;
				case "string" -> IdlType.Primitive.STRING;
				case "bytes" -> IdlType.Primitive.BYTES;
				case "pubkey", "publicKey" -> IdlType.Primitive.PUBKEY;
				default -> throw new IdlException(where + ": unknown type '" + name + "'");
			};
		}

		private static byte[] bytes(JsonNode node, String where) {
			if (node == null || !node.isArray()) {
				throw new IdlException(where + ": expected an array of bytes");
			}
			byte[] bytes = new byte[node.size()];
			for (int i = 0; i < bytes.length; i++) {
				JsonNode b = node.get(i);
				if (!b.isIntegralNumber() || b.asInt() < 0 || b.asInt() > 255) {
					throw new IdlException(where + "[" + i + "]: not a byte: " + b);
				}
				bytes[i] = (byte) b.asInt();
			}
			return bytes;
		}

		private static String requiredText(JsonNode node, String field, String where) {
			String value = text(node == null ? null : node.get(field));
			if (value == null || value.isEmpty()) {
				throw new IdlException(where + "." + field + ": missing");
			}
			return value;
		}

		private static String text(JsonNode node) {
			return node != null && node.isString() ? node.stringValue() : null;
		}
	}

	/** Legacy IDLs name instructions in camelCase; Anchor derives their discriminators from the snake_case name. */
	static String snakeCase(String name) {
		StringBuilder snake = new StringBuilder(name.length() + 4);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isUpperCase(c)) {
				if (i > 0) {
					snake.append('_');
				}
				snake.append(Character.toLowerCase(c));
			}
			else {
				snake.append(c);
			}
		}
		return snake.toString();
	}

	static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}
}
