package io.couponsync.simulator.ledger;

import java.util.List;
import java.util.Map;

/**
 * A transaction as the simulated runtime executed it, before it lands: its message (account keys, instructions),
 * its outcome (logs, error, inner instructions) and its account writes (none when it failed).
 *
 * @param accountKeys fee payer first; signers first, as the message orders them
 * @param signerCount how many leading account keys signed
 * @param readonlyUnsignedCount how many trailing keys are read-only and unsigned (programs, sysvars)
 * @param innerInstructions per top-level instruction index, the instructions it invoked
 * @param err the runtime error, e.g. {@code {"InstructionError":[1,{"Custom":6000}]}}, or null
 * @param emittedEvents the names of the events the program emitted, in order, whatever the logs kept of them: what a
 * test expects an indexer to find, known without decoding anything
 */
public record TransactionDraft(List<String> accountKeys, int signerCount, int readonlyUnsignedCount,
		List<CompiledInstruction> instructions, Map<Integer, List<CompiledInstruction>> innerInstructions,
		List<String> logs, Object err, long fee, long computeUnits, List<AccountWrite> writes,
		List<String> emittedEvents) {
}
