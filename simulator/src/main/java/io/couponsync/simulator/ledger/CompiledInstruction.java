package io.couponsync.simulator.ledger;

/** An instruction as a transaction message holds it: indexes into the account keys, and base58 data. */
public record CompiledInstruction(int programIdIndex, int[] accounts, byte[] data, Integer stackHeight) {
}
