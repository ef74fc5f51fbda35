package io.couponsync.chain.idl;

/** An event the program emits: its discriminator and the type of its body. */
public record IdlEvent(String name, Discriminator discriminator, IdlType type) {
}
