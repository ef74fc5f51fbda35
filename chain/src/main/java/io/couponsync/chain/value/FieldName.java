package io.couponsync.chain.value;

/**
 * A field's name as the IDL writes it and as the read model writes it (camelCase), computed once when the IDL is
 * compiled so that no sink converts names per value.
 */
public record FieldName(String idlName, String camelCase) {

	public static FieldName of(String idlName) {
		return new FieldName(idlName, toCamelCase(idlName));
	}

	static String toCamelCase(String name) {
		if (name.indexOf('_') < 0) {
			return name;
		}
		StringBuilder camel = new StringBuilder(name.length());
		boolean upperNext = false;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == '_') {
				upperNext = camel.length() > 0;
			}
			else {
				camel.append(upperNext ? Character.toUpperCase(c) : c);
				upperNext = false;
			}
		}
		return camel.toString();
	}
}
