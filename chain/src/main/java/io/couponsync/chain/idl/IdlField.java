package io.couponsync.chain.idl;

/** A named field of a struct or enum variant; tuple fields are named "0", "1", ... as Anchor's coder names them. */
public record IdlField(String name, IdlType type) {
}
