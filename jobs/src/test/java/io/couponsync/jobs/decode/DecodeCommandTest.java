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

	private String commentAdded(String content) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("comment", BUYER);
		fields.put("user", BUYER);
		fields.put("promotion", BUYER);
		fields.put("content", content);
		fields.put("is_reply", false);
		return Base64.getEncoder().encodeToString(encoder.encodeEvent("CommentAdded", fields));
	}

	/** One transaction's input line carrying the given data lines of the program. */
	private String transaction(String signature, String... data) {
		StringBuilder line = new StringBuilder("{\"signature\": \"" + signature + "\", \"logs\": [\"Program " + PROGRAM
				+ " invoke [1]\"");
		for (String d : data) {
			line.append(", \"Program data: ").append(d).append('"');
		}
		return line.append(", \"Program ").append(PROGRAM).append(" success\"]}").toString();
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
	void readsTheFieldsInAnyOrderAndSkipsEveryOtherValueUnread() {
		String data = couponSold(42);
		String canonical = transaction("sig", data);
		String shuffled = """
				{"meta": {"logs": ["Program data: AQIDBAUGBwgJ"], "signature": "decoy", "n": [1, 2.5e3, true, null,
				 {"deep": [[["}]\\"]"]]]}], "s": "{\\"logs\\": []}"}, "logs": ["Program %1$s invoke [1]",
				 "Program data: %2$s", "Program %1$s success"], "err": {"InstructionError": [0, {"Custom": 1}]},
				 "slot": 12345678901234567890, "blockTime": -1.5, "signature": "sig", "version": "legacy",
				 "empty": {}, "none": [], "flag": false}"""
			.formatted(PROGRAM, data).replace("\n", "");

		List<JsonNode> out = run(canonical + "\n" + shuffled, "--idl", IDL.toString());

		assertThat(out.get(1)).isEqualTo(out.get(0));
		assertThat(out.get(1).get("signature").asString()).isEqualTo("sig");
		assertThat(out.get(1).get("events")).hasSize(1);
		assertThat(out.get(1).get("errors")).isEmpty();
	}

	@Test
	void answersEachKindOfInvalidLineWithItsReasonAndReadsTheNextLineAfresh() {
		String valid = transaction("ok", couponSold(7));
		Map<String, String> invalid = new LinkedHashMap<>();
		invalid.put("[1,2]", "not a JSON object");
		invalid.put("\"text\"", "not a JSON object");
		invalid.put("12", "not a JSON object");
		invalid.put("", "not a JSON object");
		invalid.put(" \t ", "not a JSON object");
		invalid.put("{\"signature\": \"s\", \"logs\": [\"a\"", "not valid JSON: the line ends inside an array");
		invalid.put("{\"signature\": \"s\", \"logs\": [\"a\"],", "not valid JSON: the line ends inside an object");
		invalid.put("{\"signature\": \"s\", \"meta\": {\"a\": [", "not valid JSON: the line ends inside an array");
		invalid.put("{\"signature\": \"s\", \"logs\": \"x\"}", "logs is not an array of strings");
		invalid.put("{\"signature\": \"s\", \"logs\": {}}", "logs is not an array of strings");
		invalid.put("{\"signature\": \"s\", \"logs\": null}", "logs is not an array of strings");
		invalid.put("{\"signature\": \"s\", \"logs\": [\"a\", 1]}", "logs is not an array of strings");
		invalid.put("{\"signature\": \"s\", \"logs\": [\"a\", null]}", "logs is not an array of strings");
		invalid.put("{\"signature\": \"s\", \"logs\": [[\"a\"]]}", "logs is not an array of strings");
		invalid.put("{\"signature\": \"s\", \"logs\": [{\"a\": 1}]}", "logs is not an array of strings");
		invalid.put("{\"signature\": 7, \"logs\": []}", "signature is not a string");
		invalid.put("{\"signature\": [\"s\"], \"logs\": []}", "signature is not a string");
		invalid.put("{\"signature\": \"s\"}", "missing logs");
		invalid.put("{}", "missing logs");
		invalid.put("{\"signature\": \"s\", \"logs\": []} {}", "trailing content after the JSON object");
		invalid.put("{\"signature\": \"s\", \"logs\": []} 5", "trailing content after the JSON object");
		invalid.put("{\"signature\": \"s\", \"logs\": []} tru", "not valid JSON: ");
		invalid.put("{\"signature\": \"s\", \"logs\": []}}", "not valid JSON: ");
		invalid.put("not json", "not valid JSON: ");
		invalid.put("{\"signature\": \"unclosed, \"logs\": []", "not valid JSON: ");
		invalid.put("{\"signature\": \"s\" \"logs\": []}", "not valid JSON: ");
		invalid.put("{signature: \"s\", \"logs\": []}", "not valid JSON: ");
		invalid.put("\uFEFF{\"signature\": \"s\", \"logs\": []}", "not valid JSON: ");
		StringBuilder input = new StringBuilder();
		for (String line : invalid.keySet()) {
			input.append(line).append('\n').append(valid).append('\n');
		}

		List<JsonNode> out = run(input.toString(), "--idl", IDL.toString());

		assertThat(out).hasSize(2 * invalid.size());
		int i = 0;
		for (Map.Entry<String, String> line : invalid.entrySet()) {
			assertThat(out.get(2 * i).get("error").asString()).as(line.getKey()).startsWith(line.getValue());
			assertThat(out.get(2 * i + 1).get("signature").asString()).as("after " + line.getKey()).isEqualTo("ok");
			assertThat(out.get(2 * i + 1).get("events")).as("after " + line.getKey()).hasSize(1);
			i++;
		}
	}

	@Test
	void answersALineThatIsNotUtf8WithAnErrorAndGoesOn() {
		byte[] bad = "{\"signature\": \"s\", \"memo\": \"\u00ff\", \"logs\": []}".getBytes(StandardCharsets.ISO_8859_1);
		byte[] good = ("\n" + transaction("ok") + "\n").getBytes(StandardCharsets.UTF_8);
		byte[] input = java.util.Arrays.copyOf(bad, bad.length + good.length);
		System.arraycopy(good, 0, input, bad.length, good.length);

		List<JsonNode> out = run(input, DecodeCommand.BUFFER_SIZE, "--idl", IDL.toString());

		assertThat(out.get(0).get("error").asString()).startsWith("not valid JSON: Invalid UTF-8");
		assertThat(out.get(1).get("signature").asString()).isEqualTo("ok");
	}

	@Test
	void endsLinesWhereReadLineEndsThem() {
		String input = transaction("a") + "\r\n" + transaction("b") + "\r" + transaction("c") + "\n\r\n"
				+ transaction("d") + "\n\n" + transaction("e");

		List<JsonNode> out = run(input, "--idl", IDL.toString());

		assertThat(out).extracting(line -> line.has("error") ? line.get("error").asString()
				: line.get("signature").asString())
			.containsExactly("a", "b", "c", "not a JSON object", "d", "not a JSON object", "e");
	}

	@Test
	void streamsLinesLongerThanItsBuffers() {
		String filler = "x".repeat(300_000);
		String longValid = """
				{"memo": "%1$s", "meta": {"a": ["%1$s", {"b": "%1$s"}]}, "signature": "long", "logs": ["Program %2$s invoke [1]",
				 "Program log: %1$s", "Program data: %3$s", "Program data: %4$s", "Program %2$s success"]}"""
			.formatted(filler, PROGRAM, couponSold(99), commentAdded("y".repeat(100_000))).replace("\n", "");
		String longTruncated = "{\"memo\": \"" + filler + "\", \"logs\": [\"" + filler + "\"";
		String longInvalid = "{\"memo\": \"" + filler + "\" oops, \"logs\": []}";
		String input = String.join("\r\n", transaction("short", couponSold(1)), longValid, longTruncated,
				transaction("after-truncated"), longInvalid, transaction("after-invalid"), longValid);

		String expected = runRaw(input.getBytes(StandardCharsets.UTF_8), DecodeCommand.BUFFER_SIZE, "--idl",
				IDL.toString());
		for (int bufferSize : new int[] { 1, 7, 64, 4096 }) {
			assertThat(runRaw(input.getBytes(StandardCharsets.UTF_8), bufferSize, "--idl", IDL.toString()))
				.as("buffer of %d bytes", bufferSize)
				.isEqualTo(expected);
		}

		List<JsonNode> out = expected.lines().map(json::readTree).toList();
		assertThat(out).hasSize(7);
		assertThat(out.get(1).get("signature").asString()).isEqualTo("long");
		assertThat(out.get(1).get("events")).hasSize(2);
		assertThat(out.get(1).get("events").get(0).get("data").toString()).contains("\"99\"");
		assertThat(out.get(1).get("events").get(1).get("data").get("content").asString()).hasSize(100_000);
		assertThat(out.get(2).get("error").asString()).isEqualTo("not valid JSON: the line ends inside an array");
		assertThat(out.get(3).get("signature").asString()).isEqualTo("after-truncated");
		assertThat(out.get(4).get("error").asString()).startsWith("not valid JSON: ");
		assertThat(out.get(5).get("signature").asString()).isEqualTo("after-invalid");
		assertThat(out.get(6)).isEqualTo(out.get(1));
	}

	@Test
	void writesEveryCharacterAsUtf8AndEscapesWhatJsonRequires() {
		String text = "caf\u00e9 \u2013 20% off \ud83d\ude00 \"quoted\" back\\slash tab\t";
		String signature = "sig \u00e9\ud83d\ude00 \\\" \u0001";
		String input = "{\"signature\": \"sig \u00e9\ud83d\ude00 \\\\\\\" \\u0001\", \"logs\": [\"Program " + PROGRAM
				+ " invoke [1]\", \"Program data: " + commentAdded(text) + "\"]}";

		for (int bufferSize : new int[] { 8, DecodeCommand.BUFFER_SIZE }) {
			List<JsonNode> out = run(input.getBytes(StandardCharsets.UTF_8), bufferSize, "--idl", IDL.toString());
			assertThat(out.get(0).get("signature").asString()).isEqualTo(signature);
			assertThat(out.get(0).get("events").get(0).get("data").get("content").asString()).isEqualTo(text);
		}
	}

	@Test
	void answersEachLineWhileTheInputWaitsForTheNext() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] first = (transaction("first") + "\n").getBytes(StandardCharsets.UTF_8);
		List<String> seenWhileWaiting = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.io.InputStream pausingInput = new java.io.InputStream() {

			private int reads;

			@Override
			public int read() {
				throw new UnsupportedOperationException();
			}

			@Override
			public int read(byte[] target, int offset, int length) {
				if (reads++ == 0) {
					System.arraycopy(first, 0, target, offset, first.length);
					return first.length;
				}
				// an interactive pipe with nothing more yet: the answer must come while it waits
				long deadline = System.nanoTime() + 10_000_000_000L;
				while (!out.toString(StandardCharsets.UTF_8).endsWith("\n") && System.nanoTime() < deadline) {
					java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
				}
				seenWhileWaiting.add(out.toString(StandardCharsets.UTF_8));
				return -1;
			}
		};

		int code = DecodeCommand.run(new String[] { "--idl", IDL.toString() }, pausingInput, out,
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

		assertThat(code).isZero();
		assertThat(seenWhileWaiting).singleElement().asString().contains("\"signature\":\"first\"").endsWith("\n");
	}

	@Test
	void endsWithCodeOneWhenTheInputFailsAfterAnsweringTheLinesBefore() {
		byte[] first = (transaction("first") + "\n").getBytes(StandardCharsets.UTF_8);
		java.io.InputStream failing = new java.io.InputStream() {

			private boolean served;

			@Override
			public int read() {
				throw new UnsupportedOperationException();
			}

			@Override
			public int read(byte[] target, int offset, int length) throws java.io.IOException {
				if (served) {
					throw new java.io.IOException("input device gone");
				}
				served = true;
				System.arraycopy(first, 0, target, offset, first.length);
				return first.length;
			}
		};
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		int code = DecodeCommand.run(new String[] { "--idl", IDL.toString() }, failing, out,
				new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(code).isEqualTo(1);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("decode: input device gone");
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"signature\":\"first\"");
	}

	@Test
	void stopsReadingAnEndlessInputWhenTheProgramIdIsRefused() {
		byte[] line = (transaction("again") + "\n").getBytes(StandardCharsets.UTF_8);
		java.io.InputStream endless = new java.io.InputStream() {

			private int at;

			@Override
			public int read() {
				int b = line[at];
				at = (at + 1) % line.length;
				return b;
			}
		};
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		int code = DecodeCommand.run(new String[] { "--idl", IDL.toString(), "--program-id", "xyz" }, endless,
				new ByteArrayOutputStream(), new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(code).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("'xyz' is not a base58 public key");
	}

	@Test
	void readsAccountsInAnyFieldOrderAndRecoversAfterInvalidLines() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("authority", BUYER);
		fields.put("total_coupons", 5L);
		fields.put("total_merchants", 6L);
		fields.put("fee_basis_points", 250);
		String data = Base64.getEncoder().encodeToString(encoder.encodeAccount("Marketplace", fields));
		String input = String.join("\n",
				"{\"lamports\": 1, \"owner\": \"x\", \"data\": [\"" + data + "\", \"base64\"], \"rentEpoch\": {\"a\": [1]}}",
				"{\"data\": [\"" + data + "\", \"base58\"]}", "{\"data\": [\"" + data + "\"", "{\"data\": 5}",
				"[\"" + data + "\"]", "{\"data\": \"" + data + "\"}");

		List<JsonNode> out = run(input, "--idl", IDL.toString(), "--accounts");

		assertThat(out.get(0).get("type").asString()).isEqualTo("Marketplace");
		assertThat(out.get(0).get("data").get("fee_basis_points").asInt()).isEqualTo(250);
		assertThat(out.get(1).get("error").asString()).isEqualTo("data encoding 'base58' is not base64");
		assertThat(out.get(2).get("error").asString()).isEqualTo("not valid JSON: the line ends inside an array");
		assertThat(out.get(3).get("error").asString()).isEqualTo("data is not a base64 string");
		assertThat(out.get(4).get("error").asString()).isEqualTo("not a JSON object");
		assertThat(out.get(5)).isEqualTo(out.get(0));
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

	private List<JsonNode> run(byte[] input, int bufferSize, String... args) {
		return runRaw(input, bufferSize, args).lines().map(json::readTree).toList();
	}

	/** The command's output, with input and output buffers of the given size. */
	private String runRaw(byte[] input, int bufferSize, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = DecodeCommand.run(args, new ByteArrayInputStream(input), out,
				new PrintStream(err, true, StandardCharsets.UTF_8), bufferSize);
		assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
		return out.toString(StandardCharsets.UTF_8);
	}
}
