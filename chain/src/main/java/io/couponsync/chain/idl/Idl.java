package io.couponsync.chain.idl;

import java.util.List;
import java.util.Map;

/**
 * An Anchor program's interface description, normalised from either IDL format (0.30+ or legacy) into one
 * model: events and accounts with their discriminators, the types they use, and instruction PDA seeds.
 *
 * @param address the program id the IDL names, or {@code null} when it names none
 */
public record Idl(String address, String name, Map<String, IdlTypeDefinition> types, List<IdlEvent> events,
		List<IdlAccount> accounts, List<IdlInstruction> instructions) {

	public IdlTypeDefinition type(String typeName) {
		return types.get(typeName);
	}
}
