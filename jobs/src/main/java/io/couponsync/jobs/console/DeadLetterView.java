package io.couponsync.jobs.console;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * A dead letter as the console shows it: the transaction, why it could not be applied, by which execution, and the
 * raw staged input as JSON (only in the detail view, since it can be large).
 */
record DeadLetterView(String signature, Long slot, List<String> reasons, Long jobExecutionId, Instant deadAt,
		String status, Instant requeuedAt, String input) {

	private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
		.indent(true).build();

	static DeadLetterView of(Document document, boolean withInput) {
		Document input = document.get("input", Document.class);
		return new DeadLetterView(document.getString("_id"), number(document.get("slot")),
				document.getList("reasons", String.class), number(document.get("jobExecutionId")),
				instant(document.getDate("deadAt")), document.getString("status"),
				instant(document.getDate("requeuedAt")), withInput && input != null ? input.toJson(JSON) : null);
	}

	private static Long number(Object value) {
		return value instanceof Number number ? number.longValue() : null;
	}

	private static Instant instant(Date date) {
		return date == null ? null : date.toInstant();
	}
}
