package io.couponsync.chain.idl;

import java.util.List;

/** An instruction, reduced to what the platform needs: its accounts, their PDA seeds, and its arguments. */
public record IdlInstruction(String name, Discriminator discriminator, List<Account> accounts, List<IdlField> arguments) {

	/** An account of the instruction; {@code seeds} is empty unless it is a program-derived address. */
	public record Account(String name, boolean writable, boolean signer, List<IdlPdaSeed> seeds) {
	}
}
