package io.couponsync.chain.logs;

import java.util.Map;

/**
 * An event decoded from a transaction.
 * @param source where it was found: a {@code Program data:} log line or an {@code emit_cpi!} inner instruction
 * @param position the log line index, or the inner instruction index for CPI events
 * @param instruction the instruction that emitted it, as its frame logged it ({@code AutoAwardBadge}); null where
 * the logs do not tell
 * @param fields the event's fields keyed by IDL name (see {@link io.couponsync.chain.value.TreeValueBuilder})
 */
public record DecodedEvent(Source source, int position, String name, String instruction, Map<String, Object> fields) {

	public enum Source {
		LOG, CPI
	}
}
