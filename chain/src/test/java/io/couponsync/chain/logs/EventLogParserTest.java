package io.couponsync.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.ByteVector;
import io.couponsync.chain.Fixtures;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.DecodeError;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.value.JsonValueWriter;
import io.couponsync.chain.value.ValueSink;

class EventLogParserTest {

	private static final String OURS = "A11Types11111111111111111111111111111111111";

	private static final String OTHER = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

	private final EventLogParser parser = new EventLogParser(ProgramDecoder.compile(Fixtures.idl("all_types.json")),
			OURS);

	private static String small(long value, String note) {
		return ByteVector.of(21, 22, 23, 24, 25, 26, 27, 28).u64(value).string(note).base64();
	}

	private static String data(String base64) {
		return "Program data: " + base64;
	}

	@Test
	void decodesEventsOfTheProgramAtTopLevelInLogOrder() {
		Result result = parse(invoke(OURS, 1), "Program log: Instruction: Buy", data(small(1, "a")),
				data(small(2, "b")), "Program " + OURS + " consumed 100 of 200000 compute units", success(OURS));

		assertThat(result.events).containsExactly("2:{\"value\":\"1\",\"note\":\"a\"}", "3:{\"value\":\"2\",\"note\":\"b\"}");
		assertThat(result.errors).isEmpty();
		assertThat(result.truncated).isFalse();
	}

	@Test
	void countsEventsOfTheProgramInvokedByAnotherProgramAtAnyDepth() {
		Result result = parse(invoke(OTHER, 1), invoke("ComputeBudget111111111111111111111111111111", 2),
				success("ComputeBudget111111111111111111111111111111"), invoke(OURS, 2), data(small(5, "cpi")),
				invoke(OTHER, 3), invoke(OURS, 4), data(small(6, "deep")), success(OURS), success(OTHER),
				success(OURS), success(OTHER));

		assertThat(result.events).containsExactly("4:{\"value\":\"5\",\"note\":\"cpi\"}",
				"7:{\"value\":\"6\",\"note\":\"deep\"}");
	}

	@Test
	void namesTheInstructionWhoseFrameEmittedEachEvent() {
		Result result = parse(invoke(OURS, 1), "Program log: Instruction: AutoAwardBadge", invoke(OTHER, 2),
				"Program log: Instruction: InitializeMint2", success(OTHER), "Program log: Instruction: not a name",
				data(small(1, "after a cpi")), success(OURS), invoke(OTHER, 1), invoke(OURS, 2),
				"Program log: Instruction: MintBadge", data(small(2, "invoked by another")), success(OURS),
				data(small(3, "not ours")), success(OTHER), invoke(OURS, 1), data(small(4, "unnamed frame")),
				success(OURS));

		assertThat(result.instructions).containsExactly("AutoAwardBadge", "MintBadge", null);
		assertThat(result.events).hasSize(3);
	}

	@Test
	void neverCountsAnotherProgramsDataLinesEvenWithOurEventsBytes() {
		Result result = parse(invoke(OURS, 1), invoke(OTHER, 2), data(small(9, "not ours")), success(OTHER),
				data(small(10, "ours again")), success(OURS), invoke(OTHER, 1), data(small(11, "top-level other")),
				success(OTHER));

		assertThat(result.events).containsExactly("4:{\"value\":\"10\",\"note\":\"ours again\"}");
	}

	@Test
	void ignoresDataLinesOutsideAnyInvocationAndProgramLogLines() {
		Result result = parse(data(small(1, "before")), invoke(OURS, 1), "Program log: " + small(2, "log line"),
				success(OURS), data(small(3, "after")));

		assertThat(result.events).isEmpty();
		assertThat(result.errors).isEmpty();
	}

	@Test
	void concatenatesSeveralBase64ChunksOfOnePayload() {
		byte[] event = Base64.getDecoder().decode(small(77, "split over chunks"));
		Base64.Encoder encoder = Base64.getEncoder();
		String chunked = encoder.encodeToString(java.util.Arrays.copyOfRange(event, 0, 5)) + " "
				+ encoder.encodeToString(java.util.Arrays.copyOfRange(event, 5, 13)) + " "
				+ encoder.encodeToString(java.util.Arrays.copyOfRange(event, 13, event.length));

		Result result = parse(invoke(OURS, 1), data(chunked), success(OURS));

		assertThat(result.events).containsExactly("1:{\"value\":\"77\",\"note\":\"split over chunks\"}");
	}

	@Test
	void listsEventsOfAFailedInvocationAndKeepsTheStackRight() {
		Result result = parse(invoke(OTHER, 1), invoke(OURS, 2), data(small(1, "x")),
				"Program " + OURS + " failed: custom program error: 0x1771", data(small(2, "other's")),
				"Program " + OTHER + " failed: custom program error: 0x1771");

		assertThat(result.events).containsExactly("2:{\"value\":\"1\",\"note\":\"x\"}");
	}

	@Test
	void noticesTheProgramInvokingItselfAsEmitCpiDoes() {
		parse(invoke(OURS, 1), data(small(1, "x")), success(OURS));
		assertThat(parser.sawSelfInvocation()).isFalse();
		parse(invoke(OTHER, 1), invoke(OURS, 2), invoke(OURS, 3), success(OURS), success(OURS), success(OTHER));
		assertThat(parser.sawSelfInvocation()).isTrue();
	}

	@Test
	void marksTruncatedLogsAndGoesOn() {
		Result result = parse(invoke(OURS, 1), data(small(1, "x")), "Log truncated", data(small(2, "y")));

		assertThat(result.truncated).isTrue();
		assertThat(result.events).hasSize(2);
	}

	@Test
	void reportsABadLineAndDecodesTheNextOne() {
		String unknown = ByteVector.of(1, 2, 3, 4, 5, 6, 7, 8).u64(0).base64();
		String tooShort = ByteVector.of(21, 22, 23, 24, 25, 26, 27, 28).u32(1).base64();
		Result result = parse(invoke(OURS, 1), data(unknown), data("not base64!"), data(tooShort), data(""),
				data(small(3, "fine")), success(OURS));

		assertThat(result.errors).containsExactly("1:UNKNOWN_DISCRIMINATOR", "2:BAD_BASE64", "3:DATA_TOO_SHORT",
				"4:DATA_TOO_SHORT");
		assertThat(result.events).containsExactly("5:{\"value\":\"3\",\"note\":\"fine\"}");
	}

	private static String invoke(String program, int depth) {
		return "Program " + program + " invoke [" + depth + "]";
	}

	private static String success(String program) {
		return "Program " + program + " success";
	}

	private Result parse(String... logs) {
		Result result = new Result();
		result.truncated = parser.parse(List.of(logs), result);
		return result;
	}

	/** Collects "line:json" per event and "line:ERROR" per failed line. */
	private static final class Result implements EventLogVisitor {

		final List<String> events = new ArrayList<>();

		final List<String> errors = new ArrayList<>();

		final List<String> instructions = new ArrayList<>();

		boolean truncated;

		private StringBuilder json;

		@Override
		public ValueSink beginEvent(int line, String eventName, String instruction) {
			instructions.add(instruction);
			json = new StringBuilder();
			return new JsonValueWriter(json);
		}

		@Override
		public void endEvent(int line, String eventName) {
			events.add(line + ":" + json);
		}

		@Override
		public void eventFailed(int line, DecodeException error) {
			errors.add(line + ":" + error.error());
		}
	}
}
