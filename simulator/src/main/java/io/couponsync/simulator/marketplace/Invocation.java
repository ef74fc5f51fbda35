package io.couponsync.simulator.marketplace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.idl.IdlInstruction;
import io.couponsync.chain.logs.TransactionEventDecoder;
import io.couponsync.simulator.ledger.AccountVersion;
import io.couponsync.simulator.ledger.AccountWrite;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.CompiledInstruction;
import io.couponsync.simulator.ledger.TransactionDraft;

/**
 * One instruction of the program being executed: reads accounts as the ledger holds them (and as this instruction
 * already changed them), collects account writes and events, and writes the runtime's log lines. Its accounts are
 * bound by their IDL names, so the compiled instruction lists them in the IDL's order, as a client builds it.
 * {@link #finish} turns it into a transaction: events as {@code Program data:} lines (the program's {@code emit!})
 * or, as a robustness-test shape, as {@code emit_cpi!} self-invocations; optionally invoked through another
 * program, optionally failing after its events, optionally with truncated logs.
 */
final class Invocation {

	static final String COMPUTE_BUDGET = "ComputeBudget111111111111111111111111111111";

	/** A router that invokes the program by CPI in a share of transactions, as aggregators do. */
	static final String ROUTER_PROGRAM = "RouterXXX1111111111111111111111111111111111";

	/** How a transaction is shaped, beyond what the instruction does. */
	record Shape(boolean viaRouter, boolean eventsViaCpi, boolean fails, int logLimitBytes) {

		static Shape plain() {
			return new Shape(false, false, false, 10_000);
		}
	}

	/** Accounts an instruction names by a fixed address, whatever the call. */
	private static final Map<String, String> FIXED_ACCOUNTS = Map.of("system_program", Pdas.SYSTEM_PROGRAM,
			"token_program", Pdas.TOKEN_PROGRAM, "associated_token_program", Pdas.ASSOCIATED_TOKEN_PROGRAM,
			"token_metadata_program", Pdas.TOKEN_METADATA_PROGRAM, "sysvar_instructions", Pdas.SYSVAR_INSTRUCTIONS,
			"rent", Pdas.SYSVAR_RENT);

	private final ProgramRuntime program;

	private final IdlInstruction definition;

	private final String payer;

	private final Map<String, String> boundAccounts = new LinkedHashMap<>();

	private final Map<String, Boolean> writable = new LinkedHashMap<>();

	private final Map<String, Boolean> signers = new LinkedHashMap<>();

	private final Map<String, Pending> pending = new LinkedHashMap<>();

	private final List<byte[]> events = new ArrayList<>();

	private final List<String> eventNames = new ArrayList<>();

	private final List<String> bodyLogs = new ArrayList<>();

	private byte[] instructionData = new byte[8];

	/**
	 * An account state this instruction wrote, not yet on the ledger: a program account's fields, or the raw data
	 * of an account another program owns (SPL token accounts and mints), or a closing.
	 */
	private record Pending(String type, Map<String, Object> fields, String owner, byte[] raw, boolean closed) {
	}

	Invocation(ProgramRuntime program, IdlInstruction definition, String payer) {
		this.program = program;
		this.definition = definition;
		this.payer = payer;
		signers.put(payer, true);
		touch(payer, true);
		bodyLogs.add("Program log: Instruction: " + pascalCase(definition.name()));
	}

	void instructionData(byte[] data) {
		this.instructionData = data;
	}

	/** Binds the instruction's account of that IDL name; its writable and signer flags come from the IDL. */
	void account(String name, String address) {
		IdlInstruction.Account account = definition.accounts().stream().filter(a -> a.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(definition.name() + " has no account " + name));
		boundAccounts.put(name, address);
		touch(address, account.writable());
		if (account.signer()) {
			signers.put(address, true);
		}
	}

	void touch(String address, boolean write) {
		writable.merge(address, write, Boolean::logicalOr);
	}

	/** The account's fields as this instruction sees them, or null when it does not exist. */
	Map<String, Object> load(String address) {
		Pending own = pending.get(address);
		if (own != null) {
			return own.closed() || own.raw() != null ? null : new LinkedHashMap<>(own.fields());
		}
		return program.read(address);
	}

	/** The data of an account another program owns (a token account, a mint), or null when it does not exist. */
	byte[] loadRaw(String address) {
		Pending own = pending.get(address);
		if (own != null) {
			return own.closed() ? null : own.raw();
		}
		AccountVersion version = program.ledger().account(address, Commitment.PROCESSED);
		return version == null ? null : version.data();
	}

	/** Whether any account, of this program or another, is at the address. */
	boolean occupied(String address) {
		Pending own = pending.get(address);
		return own != null ? !own.closed() : program.ledger().account(address, Commitment.PROCESSED) != null;
	}

	boolean exists(String address) {
		return load(address) != null;
	}

	void save(String address, String type, Map<String, Object> fields) {
		touch(address, true);
		pending.put(address, new Pending(type, new LinkedHashMap<>(fields), null, null, false));
	}

	void saveRaw(String address, String owner, byte[] data) {
		touch(address, true);
		pending.put(address, new Pending(null, null, owner, data.clone(), false));
	}

	void close(String address) {
		touch(address, true);
		pending.put(address, new Pending(null, Map.of(), null, null, true));
	}

	void emit(String eventName, Map<String, Object> fields) {
		events.add(program.encoder().encodeEvent(eventName, fields));
		eventNames.add(eventName);
	}

	void log(String line) {
		bodyLogs.add("Program log: " + line);
	}

	/** A CPI the instruction makes (System program to create an account, Token program to move the NFT). */
	void invoke(String programId, String... logLines) {
		touch(programId, false);
		bodyLogs.add("\u0000cpi:" + programId + ":" + String.join("\u0001", logLines));
	}

	TransactionDraft finish(Shape shape, long computeUnits) {
		String programId = program.programId();
		String eventAuthority = program.pdas().eventAuthority();
		List<String> instructionAccounts = new ArrayList<>();
		for (IdlInstruction.Account account : definition.accounts()) {
			String address = boundAccounts.getOrDefault(account.name(), FIXED_ACCOUNTS.get(account.name()));
			if (address == null) {
				throw new IllegalStateException(definition.name() + " left its account " + account.name() + " unset");
			}
			touch(address, account.writable());
			instructionAccounts.add(address);
		}
		touch(programId, false);
		touch(COMPUTE_BUDGET, false);
		if (shape.viaRouter()) {
			touch(ROUTER_PROGRAM, false);
		}
		if (shape.eventsViaCpi()) {
			touch(eventAuthority, false);
		}
		List<String> accountKeys = orderKeys();
		int depth = shape.viaRouter() ? 2 : 1;
		List<String> logs = new ArrayList<>();
		logs.add("Program " + COMPUTE_BUDGET + " invoke [1]");
		logs.add("Program " + COMPUTE_BUDGET + " success");
		if (shape.viaRouter()) {
			logs.add("Program " + ROUTER_PROGRAM + " invoke [1]");
			logs.add("Program log: Instruction: Route");
		}
		logs.add("Program " + programId + " invoke [" + depth + "]");
		List<CompiledInstruction> inner = new ArrayList<>();
		int programIndex = accountKeys.indexOf(programId);
		if (shape.viaRouter()) {
			inner.add(new CompiledInstruction(programIndex, indexes(accountKeys, instructionAccounts), instructionData,
					2));
		}
		for (String line : bodyLogs) {
			if (line.startsWith("\u0000cpi:")) {
				String[] parts = line.substring(5).split(":", 2);
				logs.add("Program " + parts[0] + " invoke [" + (depth + 1) + "]");
				for (String cpiLog : parts[1].split("\u0001")) {
					if (!cpiLog.isEmpty()) {
						logs.add("Program log: " + cpiLog);
					}
				}
				if (!parts[0].equals(Pdas.SYSTEM_PROGRAM)) {
					logs.add("Program " + parts[0] + " consumed 4645 of 180000 compute units");
				}
				logs.add("Program " + parts[0] + " success");
				inner.add(new CompiledInstruction(accountKeys.indexOf(parts[0]), new int[] { 0 }, new byte[] { 3 },
						depth + 1));
			}
			else {
				logs.add(line);
			}
		}
		for (byte[] event : events) {
			if (shape.eventsViaCpi()) {
				byte[] data = new byte[8 + event.length];
				for (int i = 0; i < 8; i++) {
					data[i] = (byte) (TransactionEventDecoder.EVENT_INSTRUCTION_TAG >>> (8 * i));
				}
				System.arraycopy(event, 0, data, 8, event.length);
				logs.add("Program " + programId + " invoke [" + (depth + 1) + "]");
				logs.add("Program " + programId + " consumed 2134 of 160000 compute units");
				logs.add("Program " + programId + " success");
				inner.add(new CompiledInstruction(programIndex, new int[] { accountKeys.indexOf(eventAuthority) }, data,
						depth + 1));
			}
			else {
				logs.add("Program data: " + Base64.getEncoder().encodeToString(event));
			}
		}
		logs.add("Program " + programId + " consumed " + computeUnits + " of 200000 compute units");
		Object err = null;
		if (shape.fails()) {
			logs.add("Program " + programId + " failed: custom program error: 0x1770");
			if (shape.viaRouter()) {
				logs.add("Program " + ROUTER_PROGRAM + " failed: custom program error: 0x1770");
			}
			err = Map.of("InstructionError", List.of(1, Map.of("Custom", 6000)));
		}
		else {
			logs.add("Program " + programId + " success");
			if (shape.viaRouter()) {
				logs.add("Program " + ROUTER_PROGRAM + " consumed " + (computeUnits + 9000) + " of 200000 compute units");
				logs.add("Program " + ROUTER_PROGRAM + " success");
			}
		}
		int topIndex = accountKeys.indexOf(shape.viaRouter() ? ROUTER_PROGRAM : programId);
		List<CompiledInstruction> instructions = List.of(
				new CompiledInstruction(accountKeys.indexOf(COMPUTE_BUDGET), new int[0],
						new byte[] { 2, 0x40, 0x0d, 0x03, 0 }, null),
				new CompiledInstruction(topIndex, indexes(accountKeys, instructionAccounts), instructionData, null));
		Map<Integer, List<CompiledInstruction>> innerInstructions = inner.isEmpty() ? Map.of() : Map.of(1, inner);
		return new TransactionDraft(accountKeys, signers.size(), readonlyUnsigned(accountKeys), instructions,
				innerInstructions,
				truncate(logs, shape.logLimitBytes()), err, 5000, computeUnits, err != null ? List.of() : writes(),
				List.copyOf(eventNames));
	}

	private List<AccountWrite> writes() {
		List<AccountWrite> writes = new ArrayList<>();
		pending.forEach((address, state) -> {
			if (state.closed()) {
				writes.add(new AccountWrite(address, program.programId(), 0, null));
			}
			else if (state.raw() != null) {
				writes.add(new AccountWrite(address, state.owner(), rentExempt(state.raw().length), state.raw()));
			}
			else {
				byte[] data = program.allocate(state.type(), program.encoder().encodeAccount(state.type(), state.fields()),
						program.ledger().account(address, Commitment.PROCESSED));
				writes.add(new AccountWrite(address, program.programId(), rentExempt(data.length), data));
			}
		});
		return writes;
	}

	static long rentExempt(int space) {
		return (128L + space) * 6960L;
	}

	/** Signers first (the fee payer leading), then writable accounts, then read-only ones, programs among them. */
	private List<String> orderKeys() {
		List<String> ordered = new ArrayList<>();
		ordered.add(payer);
		signers.keySet().forEach(address -> {
			if (!address.equals(payer)) {
				ordered.add(address);
			}
		});
		writable.forEach((address, write) -> {
			if (write && !signers.containsKey(address)) {
				ordered.add(address);
			}
		});
		writable.forEach((address, write) -> {
			if (!write && !signers.containsKey(address)) {
				ordered.add(address);
			}
		});
		return List.copyOf(ordered);
	}

	private int readonlyUnsigned(List<String> accountKeys) {
		int count = 0;
		for (String key : accountKeys) {
			if (!signers.containsKey(key) && !writable.get(key)) {
				count++;
			}
		}
		return count;
	}

	private static int[] indexes(List<String> accountKeys, java.util.Collection<String> addresses) {
		return addresses.stream().mapToInt(accountKeys::indexOf).filter(i -> i >= 0).toArray();
	}

	/** The runtime stops collecting logs past its byte limit and says so once. */
	private static List<String> truncate(List<String> logs, int limitBytes) {
		List<String> kept = new ArrayList<>();
		int bytes = 0;
		for (String line : logs) {
			bytes += line.getBytes(StandardCharsets.UTF_8).length;
			if (bytes > limitBytes) {
				kept.add("Log truncated");
				return kept;
			}
			kept.add(line);
		}
		return kept;
	}

	static String pascalCase(String snake) {
		StringBuilder out = new StringBuilder();
		for (String part : snake.split("_")) {
			out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
		}
		return out.toString();
	}
}
