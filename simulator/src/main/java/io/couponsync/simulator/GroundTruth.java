package io.couponsync.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.logs.TransactionEventDecoder;
import io.couponsync.chain.logs.TransactionEvents;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.CompiledInstruction;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * What the simulated chain holds, decoded: the program's accounts at a commitment and the events of its landed
 * transactions. Tests compare an indexer's read model with it.
 */
public final class GroundTruth {

	/** A decoded program account. */
	public record Account(String address, String type, Map<String, Object> fields, long slot, String signature) {
	}

	private final Ledger ledger;

	private final ProgramDecoder decoder;

	private final String programId;

	GroundTruth(Ledger ledger, ProgramDecoder decoder, String programId) {
		this.ledger = ledger;
		this.decoder = decoder;
		this.programId = programId;
	}

	/** Every open account the program owns at the commitment, keyed by address. */
	@SuppressWarnings("unchecked")
	public Map<String, Account> accounts(Commitment commitment) {
		Map<String, Account> accounts = new LinkedHashMap<>();
		TreeValueBuilder tree = new TreeValueBuilder();
		BorshInput input = new BorshInput();
		for (AccountVersion version : ledger.programAccounts(programId, commitment, a -> true).accounts()) {
			tree.reset();
			try {
				String type = decoder.decodeAccount(input.reset(version.data(), 0, version.data().length), tree).name();
				accounts.put(version.address(), new Account(version.address(), type,
						(Map<String, Object>) tree.result(), version.slot(), version.signature()));
			}
			catch (DecodeException ex) {
				throw new IllegalStateException("account " + version.address() + " does not decode", ex);
			}
		}
		return accounts;
	}

	/** The events of a transaction, decoded from its logs and inner instructions as an indexer would. */
	public TransactionEvents events(LedgerTransaction transaction) {
		return new TransactionEventDecoder(decoder, programId).decode(transaction.draft().logs(),
				innerInstructions(transaction));
	}

	/** A transaction's inner instructions with their programs resolved from its account keys, as getTransaction gives. */
	public static List<InnerInstruction> innerInstructions(LedgerTransaction transaction) {
		List<InnerInstruction> inner = new ArrayList<>();
		List<String> keys = transaction.draft().accountKeys();
		transaction.draft().innerInstructions().entrySet().stream().sorted(Map.Entry.comparingByKey())
			.forEach(group -> {
				for (CompiledInstruction instruction : group.getValue()) {
					inner.add(new InnerInstruction(keys.get(instruction.programIdIndex()), instruction.data()));
				}
			});
		return inner;
	}

	/** Landed transactions (not dropped by a fork), in chain order. */
	public List<LedgerTransaction> transactions() {
		return ledger.transactions();
	}
}
