package io.couponsync.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;
import io.couponsync.chain.Fixtures;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.value.EnumValue;
import io.couponsync.chain.value.PublicKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Mainnet transactions (see src/test/resources/transactions/README.md), checked against what the programs print. */
class RealTransactionsTest {

	private static final String MOONSHOT = "MoonCVVNZFSYkqNXP6bxHLPL6QQJiMagDL3qcqUQTrG";

	private static final String OKX = "6m2CDdhRgxpH4WjvdzxAYbGxwdGUz5MziiL5jek2kBma";

	private static final String DLMM = "LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo";

	@Test
	void decodesMoonshotTradeEventAsTheProgramPrintsIt() throws IOException {
		JsonNode meta = meta("simple_tx.json");
		TransactionEvents events = decoder("moonshot.json", MOONSHOT).decode(logs(meta), List.of());

		assertThat(events.errors()).isEmpty();
		assertThat(events.events()).hasSize(1);
		Map<String, Object> trade = events.events().get(0).fields();
		assertThat(events.events().get(0).name()).isEqualTo("TradeEvent");
		// "Program log: Instruction: Buy" opens the program's frame
		assertThat(events.events().get(0).instruction()).isEqualTo("Buy");
		// "Transfering collateral from buyer to curve account: 1639908, Helio fee: 6560, Dex fee: 9839"
		assertThat(trade).containsEntry("collateral_amount", 1639908L).containsEntry("helio_fee", 6560L)
			.containsEntry("dex_fee", 9839L)
			.containsEntry("trade_type", new EnumValue("Buy", Map.of()));
	}

	@Test
	void attributesTheRoutersEventToTheRouterAndTheDlmmCpiEventToDlmm() throws IOException {
		JsonNode meta = meta("cpi_tx.json");

		TransactionEvents router = decoder("okx_dex.json", OKX).decode(logs(meta), innerInstructions(meta, 16));
		assertThat(router.events()).extracting(DecodedEvent::name).containsExactly("SwapEvent");
		assertThat(router.events()).extracting(DecodedEvent::instruction).containsExactly("CommissionSplSwap2");
		// "SwapEvent { dex: MeteoraDlmm, amount_in: 9372599925000, amount_out: 1700985700449 }"
		assertThat(router.events().get(0).fields()).containsEntry("dex", new EnumValue("MeteoraDlmm", Map.of()))
			.containsEntry("amount_in", 9372599925000L).containsEntry("amount_out", 1700985700449L);

		TransactionEvents dlmm = decoder("meteora_dlmm.json", DLMM).decode(logs(meta), innerInstructions(meta, 16));
		assertThat(dlmm.errors()).isEmpty();
		assertThat(dlmm.events()).hasSize(1);
		DecodedEvent swap = dlmm.events().get(0);
		assertThat(swap.source()).isEqualTo(DecodedEvent.Source.CPI);
		// emit_cpi!: DLMM invokes itself, logging nothing, from the frame of its "Instruction: Swap"
		assertThat(swap.instruction()).isEqualTo("Swap");
		assertThat(swap.fields()).containsEntry("amount_in", 9372599925000L)
			.containsEntry("amount_out", 1700985700449L)
			// the router logs the pair's address just before the CPI
			.containsEntry("lb_pair", PublicKey.fromBase58("BMCheVSdKZ6rxsoJ1MChA5HQRtk5pz4QkCLs7MXFkvZJ"));
		assertThat(swap.fields().get("fee_bps")).isInstanceOf(BigInteger.class);
	}

	@Test
	void findsTheCpiEventOfANestedSwapWithNoDataLines() throws IOException {
		JsonNode meta = meta("nested_cpi_tx.json");
		TransactionEvents dlmm = decoder("meteora_dlmm.json", DLMM).decode(logs(meta), innerInstructions(meta, 11));

		assertThat(dlmm.events()).extracting(DecodedEvent::name).containsExactly("Swap");
		assertThat(dlmm.events()).extracting(DecodedEvent::instruction).containsExactly("Swap");
		assertThat(dlmm.errors()).isEmpty();
	}

	private static TransactionEventDecoder decoder(String idl, String programId) {
		return new TransactionEventDecoder(ProgramDecoder.compile(Fixtures.idl(idl)), programId);
	}

	private static JsonNode meta(String name) throws IOException {
		try (InputStream in = RealTransactionsTest.class.getResourceAsStream("/transactions/" + name)) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

	private static List<String> logs(JsonNode meta) {
		List<String> logs = new ArrayList<>();
		meta.get("logMessages").forEach(line -> logs.add(line.asString()));
		return logs;
	}

	/** The meta has no account keys; the index of DLMM among them is known from the logs. */
	private static List<InnerInstruction> innerInstructions(JsonNode meta, int dlmmIndex) {
		List<InnerInstruction> instructions = new ArrayList<>();
		for (JsonNode group : meta.get("innerInstructions")) {
			for (JsonNode instruction : group.get("instructions")) {
				String program = instruction.get("programIdIndex").asInt() == dlmmIndex ? DLMM : "unknown";
				instructions.add(new InnerInstruction(program, Base58.decode(instruction.get("data").asString())));
			}
		}
		return instructions;
	}
}
