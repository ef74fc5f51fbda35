package io.couponsync.listener;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;

import io.couponsync.chain.Base58;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads PubSub frames: subscription answers, logsNotification and slotNotification. A frame of any other shape is
 * {@link Frame.Malformed} with the reason, never an exception.
 */
final class NotificationParser {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** What one frame was. */
	sealed interface Frame {

		record Logs(LogsNotification notification) implements Frame {
		}

		record Slot(long slot, long root) implements Frame {
		}

		record Subscribed(long requestId, long subscription) implements Frame {
		}

		record Error(long requestId, String message) implements Frame {
		}

		record Malformed(String reason) implements Frame {
		}
	}

	Frame parse(String text) {
		JsonNode root;
		try {
			root = JSON.readTree(text);
		}
		catch (JacksonException ex) {
			return new Frame.Malformed("not JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			return new Frame.Malformed("not a JSON object");
		}
		String method = root.path("method").asString(null);
		if ("logsNotification".equals(method)) {
			return logs(root.path("params").path("result"));
		}
		if ("slotNotification".equals(method)) {
			JsonNode result = root.path("params").path("result");
			if (!result.path("slot").isIntegralNumber()) {
				return new Frame.Malformed("slotNotification without a slot");
			}
			return new Frame.Slot(result.get("slot").asLong(), result.path("root").asLong(0));
		}
		if (root.has("error")) {
			return new Frame.Error(root.path("id").asLong(-1), root.get("error").path("message").asString("?"));
		}
		if (root.has("result") && root.get("result").isIntegralNumber()) {
			return new Frame.Subscribed(root.path("id").asLong(-1), root.get("result").asLong());
		}
		if (root.has("result")) {
			return new Frame.Subscribed(root.path("id").asLong(-1), -1);
		}
		return new Frame.Malformed("unknown message " + abbreviate(text));
	}

	private static Frame logs(JsonNode result) {
		JsonNode slot = result.path("context").path("slot");
		JsonNode value = result.path("value");
		JsonNode signature = value.path("signature");
		JsonNode logs = value.path("logs");
		if (!slot.isIntegralNumber() || !signature.isString() || !logs.isArray()) {
			return new Frame.Malformed("logsNotification without context.slot, value.signature or value.logs");
		}
		if (!Base58.isSignature(signature.asString())) {
			// why: staged, it would be sent in every finality batch of signatures, which the node refuses whole
			return new Frame.Malformed("logsNotification whose signature is not 64 bytes in base58: "
					+ abbreviate(signature.asString()));
		}
		List<String> lines = new ArrayList<>(logs.size());
		for (JsonNode line : logs) {
			if (!line.isString()) {
				return new Frame.Malformed("logsNotification with a log line that is not a string");
			}
			lines.add(line.asString());
		}
		JsonNode err = value.path("err");
		Object error = err.isMissingNode() || err.isNull() ? null
				: err.isObject() ? Document.parse(err.toString()) : err.asString();
		return new Frame.Logs(new LogsNotification(signature.asString(), slot.asLong(), error, lines));
	}

	private static String abbreviate(String text) {
		return text.length() > 120 ? text.substring(0, 120) + "..." : text;
	}
}
