package io.couponsync.jobs.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DecodeCommandTest {

	private static final Path IDL = Path.of("..", "config", "idl", "discount_platform.json");

	private static final String PROGRAM = "9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3";

	private static final String BUYER = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

	private final Idl idl = IdlLoader.load(IDL);

	private final BorshEncoder encoder = new BorshEncoder(idl);

	private final JsonMapper json = JsonMapper.builder().build();

	private String couponSold(long price) {
		Map<String, Object> fields = new LinkedHashMap<>();
		for (var field : ((io.couponsync.chain.idl.IdlTypeDefinition.Struct) idl.type("CouponSold").body()).fields()) {
			fields.put(field.name(), switch (field.type().toString()) {
				case "PUBKEY" -> BUYER;
				case "STRING" -> "s";
				case "BOOL" -> true;
				default -> price;
			});
		}
		return Base64.getEncoder().encodeToString(encoder.encodeEvent("CouponSold", fields));
	}

	@Test
	void writesOneLineOfEventsAndErrorsPerTransaction() {
		String logs = """
				{"signature": "sig1", "slot": 5, "err": null, "logs": [
				  "Program %1$s invoke [1]",
				  "Program log: Instruction: BuyCoupon",
				  "Program data: %2$s",
				  "Program data: AQIDBAUGBwgJ",
				  "Log truncated"]}""".formatted(PROGRAM, couponSold(1500)).replace("\n", "");

		List<JsonNode> out = run(logs, "--idl", IDL.toString());

		JsonNode line = out.get(0);
		assertThat(line.get("signature").asString()).isEqualTo("sig1");
		assertThat(line.get("events")).hasSize(1);
		assertThat(line.get("events").get(0).get("name").asString()).isEqualTo("CouponSold");
		JsonNode data = line.get("events").get(0).get("data");
		assertThat(data.properties()).allSatisfy(entry -> assertThat(entry.getKey()).doesNotContain("Price"));
		assertThat(data.toString()).contains("\"1500\"").contains(BUYER);
		assertThat(line.get("errors").get(0).get("line").asInt()).isEqualTo(3);
		assertThat(line.get("errors").get(0).get("error").asString()).contains("no event has discriminator 0102030405060708");
		assertThat(line.get("truncated").asBoolean()).isTrue();
	}

	@Test
	void listsEventsOfFailedTransactionsToo() {
		String failed = """
				{"signature": "sig2", "err": {"InstructionError": [0, {"Custom": 6000}]}, "logs": ["Program %1$s invoke [1]", "Program data: %2$s", "Program %1$s failed: custom program error: 0x1770"]}"""
			.formatted(PROGRAM, couponSold(1));

		JsonNode line = run(failed, "--idl", IDL.toString()).get(0);

		assertThat(line.get("events")).hasSize(1);
		assertThat(line.get("errors")).isEmpty();
		assertThat(line.get("truncated").asBoolean()).isFalse();
	}

	@Test
	void answersEveryInvalidLineWithAnErrorAndGoesOn() {
		String input = String.join("\n", "not json", "[1,2]", "{\"signature\": \"s\"}",
				"{\"signature\": \"s\", \"logs\": \"x\"}", "{\"signature\": \"s\", \"logs\": [1]}",
				"{\"signature\": 7, \"logs\": []}", "", "{\"signature\": \"ok\", \"logs\": []} trailing",
				"{\"signature\": \"ok\", \"logs\": [], \"extra\": {\"nested\": [1, {\"a\": 2}]}}");

		List<JsonNode> out = run(input, "--idl", IDL.toString());

		assertThat(out).hasSize(9);
		assertThat(out.subList(0, 8)).allSatisfy(line -> assertThat(line.has("error")).isTrue());
		assertThat(out.get(2).get("error").asString()).isEqualTo("missing logs");
		assertThat(out.get(4).get("error").asString()).isEqualTo("logs is not an array of strings");
		assertThat(out.get(8).get("signature").asString()).isEqualTo("ok");
		assertThat(out.get(8).get("events")).isEmpty();
	}

	@Test
	void decodesOnlyTheProgramGivenOnTheCommandLine() {
		String other = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
		String logs = """
				{"signature": "s", "logs": ["Program %1$s invoke [1]", "Program data: %2$s", "Program %1$s success"]}"""
			.formatted(other, couponSold(2));

		assertThat(run(logs, "--idl", IDL.toString()).get(0).get("events")).isEmpty();
		assertThat(run(logs, "--idl", IDL.toString(), "--program-id", other).get(0).get("events")).hasSize(1);
	}

	@Test
	void decodesAccounts() {
		Map<String, Object> fields = new LinkedHashMap<>();
		for (var field : ((io.couponsync.chain.idl.IdlTypeDefinition.Struct) idl.type("Marketplace").body()).fields()) {
			fields.put(field.name(), switch (field.type().toString()) {
				case "PUBKEY" -> BUYER;
				case "BOOL" -> false;
				default -> 3;
			});
		}
		byte[] marketplace = encoder.encodeAccount("Marketplace", fields);
		byte[] padded = java.util.Arrays.copyOf(marketplace, marketplace.length + 100);
		String input = "{\"data\": \"" + Base64.getEncoder().encodeToString(padded) + "\"}\n"
				+ "{\"data\": [\"" + Base64.getEncoder().encodeToString(marketplace) + "\", \"base64\"]}\n"
				+ "{\"data\": \"AAAAAAAAAAAA\"}\n{\"data\": \"%%%\"}\n{}";

		List<JsonNode> out = run(input, "--idl", IDL.toString(), "--accounts");

		assertThat(out.get(0).get("type").asString()).isEqualTo("Marketplace");
		assertThat(out.get(1).get("data")).isEqualTo(out.get(0).get("data"));
		assertThat(out.get(2).get("error").asString()).contains("no account has discriminator");
		assertThat(out.get(3).get("error").asString()).contains("base64");
		assertThat(out.get(4).get("error").asString()).isEqualTo("missing data");
	}

	@Test
	void refusesBadArgumentsWithAClearMessage() {
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = DecodeCommand.run(new String[] { "--idl", "nope.json" }, new ByteArrayInputStream(new byte[0]),
				new ByteArrayOutputStream(), new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(code).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("IDL file nope.json does not exist");

		err.reset();
		code = DecodeCommand.run(new String[] { "--idl", IDL.toString(), "--program-id", "xyz" },
				new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(code).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("'xyz' is not a base58 public key");
	}

	@Test
	void streamsManyLinesInOrder() {
		StringBuilder input = new StringBuilder();
		for (int i = 0; i < 20_000; i++) {
			input.append("{\"signature\": \"s").append(i).append("\", \"logs\": [\"Program ").append(PROGRAM)
				.append(" invoke [1]\", \"Program data: ").append(couponSold(i)).append("\"]}\n");
		}
		List<JsonNode> out = run(input.toString(), "--idl", IDL.toString());

		assertThat(out).hasSize(20_000);
		assertThat(out.get(19_999).get("signature").asString()).isEqualTo("s19999");
		assertThat(out.get(19_999).get("events").get(0).get("data").toString()).contains("\"19999\"");
	}

	private List<JsonNode> run(String input, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = DecodeCommand.run(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
		return out.toString(StandardCharsets.UTF_8).lines().map(json::readTree).toList();
	}
}
