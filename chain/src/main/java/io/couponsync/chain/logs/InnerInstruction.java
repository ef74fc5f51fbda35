package io.couponsync.chain.logs;

/** One inner (CPI) instruction of a transaction: the program it invokes, resolved from the account keys, and its data. */
public record InnerInstruction(String programId, byte[] data) {
}
