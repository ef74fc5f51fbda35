package io.couponsync.chain.logs;

import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.ValueSink;

/** Receives what {@link EventLogParser} finds in a transaction's logs, in log order. */
public interface EventLogVisitor {

	/**
	 * An event of the program starts at this log line; its body goes to the returned sink. {@code instruction} is
	 * the instruction whose frame emitted it, as the program logged it ({@code Program log: Instruction: AutoAwardBadge}
	 * → {@code AutoAwardBadge}); null when the frame logged no name (a program built without Anchor's
	 * instruction-name logs).
	 */
	ValueSink beginEvent(int line, String eventName, String instruction);

	/** The event begun last decoded completely. */
	void endEvent(int line, String eventName);

	/**
	 * A data line of the program did not decode; anything its {@link #beginEvent} sink received must be discarded.
	 */
	void eventFailed(int line, DecodeException error);
}
