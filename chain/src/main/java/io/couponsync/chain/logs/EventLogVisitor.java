package io.couponsync.chain.logs;

import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.ValueSink;

/** Receives what {@link EventLogParser} finds in a transaction's logs, in log order. */
public interface EventLogVisitor {

	/** An event of the program starts at this log line; its body goes to the returned sink. */
	ValueSink beginEvent(int line, String eventName);

	/** The event begun last decoded completely. */
	void endEvent(int line, String eventName);

	/**
	 * A data line of the program did not decode; anything its {@link #beginEvent} sink received must be discarded.
	 */
	void eventFailed(int line, DecodeException error);
}
