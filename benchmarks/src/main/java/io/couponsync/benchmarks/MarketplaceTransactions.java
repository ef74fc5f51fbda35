package io.couponsync.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.couponsync.chain.Base58;
import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlEvent;
import io.couponsync.chain.idl.IdlField;
import io.couponsync.chain.idl.IdlLoader;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;

/**
 * Transaction logs shaped like the runtime's for the coupon marketplace: a compute-budget instruction, the
 * program's instruction with a token CPI, one or two events, the consumed and success lines. Field values have
 * realistic sizes (short strings, small amounts, real-looking addresses).
 */
public final class MarketplaceTransactions {

	public static final String PROGRAM_ID = "9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3";

	private static final String TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

	private final Idl idl;

	private final BorshEncoder encoder;

	private final Random random;

	private final List<PublicKey> wallets = new ArrayList<>();

	public MarketplaceTransactions(Path idlFile, long seed) {
		this.idl = IdlLoader.load(idlFile);
		this.encoder = new BorshEncoder(idl);
		this.random = new Random(seed);
		for (int i = 0; i < 200; i++) {
			byte[] key = new byte[32];
			random.nextBytes(key);
			wallets.add(new PublicKey(key));
		}
	}

	public Idl idl() {
		return idl;
	}

	/** The logs of one transaction carrying one or two of the program's events. */
	public List<String> nextLogs() {
		List<String> logs = new ArrayList<>(14);
		logs.add("Program ComputeBudget111111111111111111111111111111 invoke [1]");
		logs.add("Program ComputeBudget111111111111111111111111111111 success");
		logs.add("Program " + PROGRAM_ID + " invoke [1]");
		IdlEvent event = idl.events().get(random.nextInt(idl.events().size()));
		logs.add("Program log: Instruction: " + event.name());
		logs.add("Program " + TOKEN + " invoke [2]");
		logs.add("Program log: Instruction: TransferChecked");
		logs.add("Program " + TOKEN + " consumed 6147 of 370747 compute units");
		logs.add("Program " + TOKEN + " success");
		logs.add("Program data: " + eventData(event));
		if (random.nextInt(4) == 0) {
			logs.add("Program data: " + eventData(idl.events().get(random.nextInt(idl.events().size()))));
		}
		logs.add("Program " + PROGRAM_ID + " consumed 44550 of 399850 compute units");
		logs.add("Program " + PROGRAM_ID + " success");
		return logs;
	}

	/** A JSON line of the decode command's input form. */
	public String nextJsonLine() {
		StringBuilder line = new StringBuilder("{\"signature\":\"");
		byte[] signature = new byte[64];
		random.nextBytes(signature);
		line.append(Base58.encode(signature)).append("\",\"err\":null,\"logs\":[");
		List<String> logs = nextLogs();
		for (int i = 0; i < logs.size(); i++) {
			line.append(i == 0 ? "\"" : ",\"").append(logs.get(i)).append('"');
		}
		return line.append("]}").toString();
	}

	private String eventData(IdlEvent event) {
		return Base64.getEncoder().encodeToString(encoder.encodeEvent(event.name(), struct(event.type(), Map.of())));
	}

	private Map<String, Object> struct(IdlType type, Map<String, IdlType> generics) {
		IdlTypeDefinition definition = idl.type(((IdlType.Defined) type).name());
		Map<String, Object> values = new LinkedHashMap<>();
		for (IdlField field : ((IdlTypeDefinition.Struct) definition.body()).fields()) {
			values.put(field.name(), value(field.type()));
		}
		return values;
	}

	private Object value(IdlType type) {
		if (type instanceof IdlType.Primitive primitive) {
			return switch (primitive) {
				case BOOL -> random.nextBoolean();
				case U8, U16 -> random.nextInt(200);
				case I8, I16, I32 -> random.nextInt(100) - 50;
				case U32 -> random.nextInt(100_000);
				case U64, I64 -> (long) random.nextInt(1_000_000_000);
				case U128, I128, U256, I256 -> java.math.BigInteger.valueOf(random.nextInt(1_000_000));
				case F32 -> random.nextFloat();
				case F64 -> random.nextDouble();
				case STRING -> "Coupon " + Integer.toString(random.nextInt(1 << 30), 36) + " – 20% off";
				case BYTES -> new byte[random.nextInt(16)];
				case PUBKEY -> wallets.get(random.nextInt(wallets.size()));
			};
		}
		if (type instanceof IdlType.Option option) {
			return random.nextBoolean() ? null : value(option.inner());
		}
		if (type instanceof IdlType.Vec vec) {
			if (vec.element() == IdlType.Primitive.U8) {
				return new byte[random.nextInt(16)];
			}
			List<Object> list = new ArrayList<>();
			for (int i = random.nextInt(3); i > 0; i--) {
				list.add(value(vec.element()));
			}
			return list;
		}
		if (type instanceof IdlType.Array array) {
			int length = ((IdlType.FixedLength) array.length()).value();
			if (array.element() == IdlType.Primitive.U8) {
				return new byte[length];
			}
			List<Object> list = new ArrayList<>();
			for (int i = 0; i < length; i++) {
				list.add(value(array.element()));
			}
			return list;
		}
		IdlTypeDefinition definition = idl.type(((IdlType.Defined) type).name());
		if (definition.body() instanceof IdlTypeDefinition.Enum enumeration) {
			IdlTypeDefinition.Variant variant = enumeration.variants().get(random.nextInt(enumeration.variants().size()));
			Map<String, Object> fields = new HashMap<>();
			for (IdlField field : variant.fields()) {
				fields.put(field.name(), value(field.type()));
			}
			return new EnumValue(variant.name(), fields);
		}
		if (definition.body() instanceof IdlTypeDefinition.Alias alias) {
			return value(alias.target());
		}
		return struct(type, Map.of());
	}

	/** Writes N JSON lines for timing the decode command end to end: {@code GenerateDecodeInput <idl> <n>}. */
	public static void main(String[] args) {
		if (args.length != 2) {
			System.err.println("usage: java -cp benchmarks.jar io.couponsync.benchmarks.MarketplaceTransactions <idl> <count>");
			System.exit(2);
		}
		MarketplaceTransactions transactions = new MarketplaceTransactions(Path.of(args[0]), 1);
		int count = Integer.parseInt(args[1]);
		StringBuilder out = new StringBuilder(1 << 16);
		for (int i = 0; i < count; i++) {
			out.append(transactions.nextJsonLine()).append('\n');
			if (out.length() > 1 << 15) {
				System.out.print(out);
				out.setLength(0);
			}
		}
		System.out.print(out);
		System.out.flush();
	}
}
