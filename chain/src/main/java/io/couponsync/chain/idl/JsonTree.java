package io.couponsync.chain.idl;

import java.io.InputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one JSON document into a tree with the streaming parser and the node classes alone. why: an
 * {@code ObjectMapper} loads some 400 classes before it reads anything, and the decode command, which reads nothing
 * else through one, pays for them at every start.
 */
final class JsonTree {

	private static final JsonFactory JSON = JsonFactory.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private JsonTree() {
	}

	/** The document's tree, as {@code ObjectMapper.readTree} builds it; null for an empty input. */
	static JsonNode read(InputStream in) throws JacksonException {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), in)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				return null;
			}
			JsonNode root = value(parser, first);
			if (parser.nextToken() != null) {
				throw new tools.jackson.core.exc.StreamReadException(parser,
						"Trailing token (of type " + parser.currentToken() + ") found after the document");
			}
			return root;
		}
	}

	private static JsonNode value(JsonParser parser, JsonToken token) {
		return switch (token) {
			case START_OBJECT -> {
				ObjectNode object = NODES.objectNode();
				String name;
				while ((name = parser.nextName()) != null) {
					object.set(name, value(parser, parser.nextToken()));
				}
				yield object;
			}
			case START_ARRAY -> {
				ArrayNode array = NODES.arrayNode();
				JsonToken element;
				while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
					array.add(value(parser, element));
				}
				yield array;
			}
			case VALUE_STRING -> NODES.stringNode(parser.getString());
			case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
				case INT -> NODES.numberNode(parser.getIntValue());
				case LONG -> NODES.numberNode(parser.getLongValue());
				default -> NODES.numberNode(parser.getBigIntegerValue());
			};
			case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
			case VALUE_TRUE -> NODES.booleanNode(true);
			case VALUE_FALSE -> NODES.booleanNode(false);
			case VALUE_NULL -> NODES.nullNode();
			default -> throw new tools.jackson.core.exc.StreamReadException(parser, "Unexpected token " + token);
		};
	}
}
