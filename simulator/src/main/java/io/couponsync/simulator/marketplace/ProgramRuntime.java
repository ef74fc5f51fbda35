package io.couponsync.simulator.marketplace;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlField;
import io.couponsync.chain.idl.IdlInstruction;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.ledger.TransactionDraft;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/**
 * What every instruction of the program shares: the IDL and its codecs, the ledger and its clock, the program's
 * addresses, and the way an instruction starts ({@link #begin}), reads accounts and lands ({@link #submit}).
 */
final class ProgramRuntime {

	/** How long after it first landed a dropped transaction can still land again here; see forgetWhatCannotLandAgain. */
	private static final long DROPPED_RELANDABLE_SLOTS = 10_000;

	private final Idl idl;

	private final String programId;

	private final Ledger ledger;

	private final BorshEncoder encoder;

	private final ProgramDecoder decoder;

	private final Pdas pdas;

	private final Map<String, Integer> space = new HashMap<>();

	/**
	 * How to execute each unfinalized transaction again, in landing order: a fork may drop it, and a cluster that
	 * lands it again executes it again, with the new block's clock and against the state as it then is. This and the
	 * two fields below are guarded by the ledger's monitor ({@link Ledger#inOneSlot}).
	 */
	private final Map<String, Execution> executions = new LinkedHashMap<>();

	/** The instruction being executed, for {@link #submit} to keep; null outside {@link #execute}. */
	private Supplier<LedgerTransaction> executing;

	/** The dropped transaction being executed again, whose signature the landing keeps; null otherwise. */
	private LedgerTransaction relanding;

	private record Execution(long slot, Supplier<LedgerTransaction> instruction) {
	}

	ProgramRuntime(Idl idl, String programId, Ledger ledger) {
		this.idl = idl;
		this.programId = programId;
		this.ledger = ledger;
		this.encoder = new BorshEncoder(idl);
		this.decoder = ProgramDecoder.compile(idl);
		this.pdas = new Pdas(programId);
		idl.accounts().forEach(account -> space.put(account.name(), 8 + maxSize(account.type(), 0)));
	}

	Idl idl() {
		return idl;
	}

	String programId() {
		return programId;
	}

	Ledger ledger() {
		return ledger;
	}

	BorshEncoder encoder() {
		return encoder;
	}

	ProgramDecoder decoder() {
		return decoder;
	}

	Pdas pdas() {
		return pdas;
	}

	/** The Clock sysvar's unix_timestamp: the block time of the slot the transaction lands in. */
	long now() {
		return ledger.blockTime(ledger.slot());
	}

	/** Starts an instruction: {@code feePayer} signs first; arguments are encoded as the IDL lists them. */
	Invocation begin(String instruction, String feePayer, Map<String, Object> arguments) {
		IdlInstruction definition = instruction(instruction);
		Invocation in = new Invocation(this, definition, feePayer);
		in.instructionData(instructionData(definition, arguments));
		return in;
	}

	byte[] instructionData(IdlInstruction definition, Map<String, Object> arguments) {
		ByteArrayOutputStream data = new ByteArrayOutputStream();
		data.writeBytes(definition.discriminator().bytes());
		for (IdlField argument : definition.arguments()) {
			data.writeBytes(encoder.encode(argument.type(), arguments.get(argument.name())));
		}
		return data.toByteArray();
	}

	IdlInstruction instruction(String name) {
		return idl.instructions().stream().filter(i -> i.name().equals(name)).findFirst()
			.orElseThrow(() -> new IllegalArgumentException("the IDL has no instruction " + name));
	}

	/**
	 * Executes an instruction, keeping how to execute it again should a fork drop the transaction it lands. In one
	 * slot: were the slot to move on between reading the Clock and landing, the transaction would land in a block
	 * whose time is not the one it read.
	 */
	LedgerTransaction execute(Supplier<LedgerTransaction> instruction) {
		return ledger.inOneSlot(() -> {
			executing = instruction;
			try {
				return instruction.get();
			}
			finally {
				executing = null;
			}
		});
	}

	/**
	 * Lands a transaction a fork dropped again, executing its instruction again as a cluster does: same message
	 * and signature, the new block's Clock, the state as it is now. An instruction whose checks no longer pass
	 * lands failed, with no writes. A transaction this runtime did not execute lands as it was.
	 */
	LedgerTransaction reexecute(LedgerTransaction dropped) {
		return ledger.inOneSlot(() -> {
			Execution execution = executions.remove(dropped.signature());
			if (execution == null) {
				return ledger.reland(dropped);
			}
			relanding = dropped;
			executing = execution.instruction();
			try {
				return execution.instruction().get();
			}
			catch (MarketplaceProgram.InstructionRejected rejected) {
				// why: Anchor's AccountNotInitialized is 3012; the program's own errors start at 6000
				int number = "AccountNotInitialized".equals(rejected.error()) ? 3012 : 6000;
				return ledger.reland(dropped,
						dropped.draft().failingWith(rejected.error(), number, rejected.getMessage()));
			}
			finally {
				relanding = null;
				executing = null;
			}
		});
	}

	LedgerTransaction submit(Invocation in, Shape shape, long computeUnits) {
		TransactionDraft draft = in.finish(shape, computeUnits);
		LedgerTransaction landed = relanding == null ? ledger.submit(draft) : ledger.reland(relanding, draft);
		if (executing != null) {
			forgetWhatCannotLandAgain();
			executions.put(landed.signature(), new Execution(landed.slot(), executing));
		}
		return landed;
	}

	/**
	 * Forgets, oldest first, what cannot land again: a transaction finalized where it landed (a fork cannot drop
	 * it), and a dropped one long past its blockhash's validity (a cluster refuses it then; 150 slots, and these
	 * are given far more, since tests land dropped transactions again many slots later).
	 */
	private void forgetWhatCannotLandAgain() {
		long finalized = ledger.slot(Commitment.FINALIZED);
		Iterator<Map.Entry<String, Execution>> oldest = executions.entrySet().iterator();
		while (oldest.hasNext()) {
			Map.Entry<String, Execution> entry = oldest.next();
			LedgerTransaction landed = ledger.transaction(entry.getKey());
			boolean cannotLandAgain = landed != null ? landed.slot() <= finalized
					: entry.getValue().slot() + DROPPED_RELANDABLE_SLOTS < finalized;
			if (!cannotLandAgain) {
				return;
			}
			oldest.remove();
		}
	}

	/** A program account the instruction needs; Anchor fails deserializing one that does not exist. */
	Map<String, Object> load(Invocation in, String address, String type) {
		Map<String, Object> state = in.load(address);
		Values.require(state != null, "AccountNotInitialized", type + " " + address + " does not exist");
		return state;
	}

	/** An account's fields as the ledger holds them now, outside any instruction, or null. */
	Map<String, Object> read(String address) {
		AccountVersion version = ledger.account(address, Commitment.PROCESSED);
		return version == null || !version.owner().equals(programId) ? null : decode(version.data());
	}

	/** Like {@link #read}, for a caller that needs the account to exist to form a well-formed instruction. */
	Map<String, Object> readExisting(String address, String type) {
		Map<String, Object> state = read(address);
		Values.require(state != null, "AccountNotInitialized", type + " " + address + " does not exist");
		return state;
	}

	Map<String, Object> decode(byte[] data) {
		TreeValueBuilder tree = new TreeValueBuilder();
		try {
			decoder.decodeAccount(new BorshInput().reset(data, 0, data.length), tree);
		}
		catch (DecodeException ex) {
			throw new IllegalStateException("the simulator wrote an account it cannot read: " + ex.getMessage(), ex);
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> fields = (Map<String, Object>) tree.result();
		return new LinkedHashMap<>(fields);
	}

	/** Anchor allocates an account's maximum size up front; data is written at the front, zeros after it. */
	byte[] allocate(String type, byte[] encoded, AccountVersion existing) {
		int size = Math.max(encoded.length, existing == null ? space.get(type) : existing.data().length);
		return Arrays.copyOf(encoded, size);
	}

	/** The index of an enum variant, as Borsh and the badge seed write it. */
	int variantIndex(String enumType, String variant) {
		IdlTypeDefinition.Enum definition = (IdlTypeDefinition.Enum) idl.type(enumType).body();
		for (int i = 0; i < definition.variants().size(); i++) {
			if (definition.variants().get(i).name().equals(variant)) {
				return i;
			}
		}
		throw new IllegalArgumentException(enumType + " has no variant " + variant);
	}

	/** The largest a value of the type can be with strings of 200 bytes and up to 16 elements per collection. */
	private int maxSize(IdlType type, int depth) {
		if (depth > 8) {
			return 0;
		}
		if (type instanceof IdlType.Primitive primitive) {
			return switch (primitive) {
				case BOOL, U8, I8 -> 1;
				case U16, I16 -> 2;
				case U32, I32, F32 -> 4;
				case U64, I64, F64 -> 8;
				case U128, I128 -> 16;
				case U256, I256, PUBKEY -> 32;
				case STRING -> 4 + 200;
				case BYTES -> 4 + 64;
			};
		}
		if (type instanceof IdlType.Vec vec) {
			return 4 + 16 * maxSize(vec.element(), depth + 1);
		}
		if (type instanceof IdlType.Option option) {
			return 1 + maxSize(option.inner(), depth + 1);
		}
		if (type instanceof IdlType.COption option) {
			return 4 + maxSize(option.inner(), depth + 1);
		}
		if (type instanceof IdlType.Array array && array.length() instanceof IdlType.FixedLength length) {
			return length.value() * maxSize(array.element(), depth + 1);
		}
		if (type instanceof IdlType.Defined defined) {
			IdlTypeDefinition definition = idl.type(defined.name());
			if (definition.body() instanceof IdlTypeDefinition.Struct struct) {
				return struct.fields().stream().mapToInt(field -> maxSize(field.type(), depth + 1)).sum();
			}
			if (definition.body() instanceof IdlTypeDefinition.Enum enumeration) {
				return 1 + enumeration.variants().stream()
					.mapToInt(v -> v.fields().stream().mapToInt(f -> maxSize(f.type(), depth + 1)).sum()).max()
					.orElse(0);
			}
			return maxSize(((IdlTypeDefinition.Alias) definition.body()).target(), depth + 1);
		}
		return 0;
	}
}
