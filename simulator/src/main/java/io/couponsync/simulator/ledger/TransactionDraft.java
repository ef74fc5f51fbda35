package io.couponsync.simulator.ledger;

import java.util.ArrayList;
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

	/**
	 * The same message executed again and failing at its first program instruction — the state it ran against
	 * went with a fork (an account it needed is gone, a deadline passed) — as a cluster records it: an error, no
	 * writes, no events, logs ending at the failure.
	 */
	public TransactionDraft failingWith(String errorCode, int errorNumber, String errorMessage) {
		List<String> failedLogs = new ArrayList<>();
		int instruction = 0;
		for (String line : logs) {
			if (line.endsWith(" invoke [1]") && !line.startsWith("Program ComputeBudget")) {
				String program = line.substring("Program ".length(), line.length() - " invoke [1]".length());
				failedLogs.add(line);
				failedLogs.add("Program log: AnchorError occurred. Error Code: " + errorCode + ". Error Number: "
						+ errorNumber + ". Error Message: " + errorMessage + ".");
				failedLogs.add("Program " + program + " consumed 4200 of 200000 compute units");
				failedLogs.add("Program " + program + " failed: custom program error: 0x"
						+ Integer.toHexString(errorNumber));
				break;
			}
			failedLogs.add(line);
			if (line.endsWith(" invoke [1]")) {
				instruction++;
			}
		}
		Map<String, Object> failure = Map.of("InstructionError", List.of(instruction, Map.of("Custom", errorNumber)));
		return new TransactionDraft(accountKeys, signerCount, readonlyUnsignedCount, instructions, Map.of(),
				failedLogs, failure, fee, 4200, List.of(), List.of());
	}
}
