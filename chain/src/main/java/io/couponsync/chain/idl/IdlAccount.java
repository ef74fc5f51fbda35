package io.couponsync.chain.idl;

/** An account type the program owns: its discriminator and the type of its data. */
public record IdlAccount(String name, Discriminator discriminator, IdlType type) {
}
