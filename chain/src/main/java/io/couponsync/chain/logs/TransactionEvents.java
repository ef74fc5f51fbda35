package io.couponsync.chain.logs;

import java.util.List;

/**
 * Everything a transaction says about the program's events: the events in order (log events first, then
 * {@code emit_cpi!} events), the lines that failed, and whether the logs were truncated.
 */
public record TransactionEvents(List<DecodedEvent> events, List<EventError> errors, boolean truncated) {
}
