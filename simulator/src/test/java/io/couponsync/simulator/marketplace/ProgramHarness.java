package io.couponsync.simulator.marketplace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlInstruction;
import io.couponsync.chain.logs.DecodedEvent;
import io.couponsync.chain.logs.TransactionEventDecoder;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.simulator.GroundTruth;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.CompiledInstruction;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * A ledger and the program in-process, and what a test reads back through the project's own decoders: accounts
 * decoded from the ledger's data with the IDL, events decoded from a transaction's logs, the instruction a
 * transaction ran. Nothing here computes an expected value.
 */
final class ProgramHarness {

	static final Idl IDL = SolanaSimulator.bundledIdl();

	static final Invocation.Shape PLAIN = Invocation.Shape.plain();

	static final String IDL_PROGRAM_ID = SolanaSimulator.DEFAULT_PROGRAM_ID;

	final Ledger ledger = new Ledger(Ledger.Config.towerBft(), 1);

	final MarketplaceProgram program = new MarketplaceProgram(IDL, SolanaSimulator.DEFAULT_PROGRAM_ID, ledger);

	private final ProgramDecoder decoder = ProgramDecoder.compile(IDL);

	private final Random random = new Random(42);

	String wallet() {
		byte[] key = new byte[32];
		random.nextBytes(key);
		return Base58.encode(key);
	}

	/** The Clock's unix_timestamp an instruction landing now reads. */
	long now() {
		return ledger.blockTime(ledger.slot());
	}

	/** Lets {@code seconds} pass: the next slot starts that much later. */
	void passTime(long seconds) {
		ledger.advanceClock(seconds);
		ledger.advanceSlot();
	}

	/** The program account at the address, decoded with the IDL, or null when there is none. */
	@SuppressWarnings("unchecked")
	Map<String, Object> account(String address) {
		AccountVersion version = ledger.account(address, Commitment.PROCESSED);
		if (version == null || !version.owner().equals(program.programId())) {
			return null;
		}
		TreeValueBuilder tree = new TreeValueBuilder();
		try {
			decoder.decodeAccount(new BorshInput().reset(version.data(), 0, version.data().length), tree);
		}
		catch (DecodeException ex) {
			throw new AssertionError(ex);
		}
		return (Map<String, Object>) tree.result();
	}

	boolean exists(String address) {
		return ledger.account(address, Commitment.PROCESSED) != null;
	}

	long number(String address, String field) {
		return ((Number) account(address).get(field)).longValue();
	}

	/** The transaction's events, decoded from its logs as an indexer would. */
	List<DecodedEvent> events(LedgerTransaction transaction) {
		return new TransactionEventDecoder(decoder, program.programId())
			.decode(transaction.draft().logs(), GroundTruth.innerInstructions(transaction)).events();
	}

	/** The only event of the transaction. */
	DecodedEvent event(LedgerTransaction transaction) {
		List<DecodedEvent> events = events(transaction);
		if (events.size() != 1) {
			throw new AssertionError("expected one event, got " + events);
		}
		return events.get(0);
	}

	/** The program's instruction a transaction ran, by its discriminator (directly or through a router). */
	static String instructionName(LedgerTransaction transaction, String programId) {
		List<String> keys = transaction.draft().accountKeys();
		List<CompiledInstruction> candidates = new ArrayList<>(transaction.draft().instructions());
		transaction.draft().innerInstructions().values().forEach(candidates::addAll);
		for (CompiledInstruction instruction : candidates) {
			if (!keys.get(instruction.programIdIndex()).equals(programId) || instruction.data().length < 8) {
				continue;
			}
			for (IdlInstruction definition : IDL.instructions()) {
				if (java.util.Arrays.equals(definition.discriminator().bytes(),
						java.util.Arrays.copyOf(instruction.data(), 8))) {
					return definition.name();
				}
			}
		}
		return "?";
	}
}
