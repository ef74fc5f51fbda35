package io.couponsync.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.ByteVector;
import io.couponsync.chain.Fixtures;
import io.couponsync.chain.ProgramDecoder;

/** Which instruction emitted each emit_cpi! event, told from the logs' frames. */
class TransactionEventDecoderTest {

	private static final String OURS = "A11Types11111111111111111111111111111111111";

	private final TransactionEventDecoder decoder = new TransactionEventDecoder(
			ProgramDecoder.compile(Fixtures.idl("all_types.json")), OURS);

	/** An emit_cpi! inner instruction: Anchor's event tag, then the event's discriminator and body. */
	private static InnerInstruction cpiEvent(long value) {
		return new InnerInstruction(OURS, ByteVector.of().le(TransactionEventDecoder.EVENT_INSTRUCTION_TAG, 8)
			.bytes(21, 22, 23, 24, 25, 26, 27, 28).u64(value).string("cpi").toArray());
	}

	private static List<String> logs(String... lines) {
		return new ArrayList<>(List.of(lines));
	}

	private static String invoke(int depth) {
		return "Program " + OURS + " invoke [" + depth + "]";
	}

	private static String success() {
		return "Program " + OURS + " success";
	}

	private List<String> instructions(List<String> logs, List<InnerInstruction> inner) {
		TransactionEvents events = decoder.decode(logs, inner);
		assertThat(events.errors()).isEmpty();
		return events.events().stream().map(DecodedEvent::instruction).toList();
	}

	@Test
	void givesEachCpiEventTheInstructionThatInvokedTheProgramForIt() {
		List<String> logs = logs(invoke(1), "Program log: Instruction: Open", invoke(2), success(), success(),
				invoke(1), "Program log: Instruction: Close", invoke(2), success(), invoke(2), success(), success());

		assertThat(instructions(logs, List.of(cpiEvent(1), cpiEvent(2), cpiEvent(3))))
			.containsExactly("Open", "Close", "Close");
	}

	@Test
	void fallsBackToTheOneNamedInstructionOnlyWhenTheLogsAreComplete() {
		// one self-invocation's lines are missing: two events, one invocation seen
		List<String> oneNamed = logs(invoke(1), "Program log: Instruction: Open", invoke(2), success(), success());
		assertThat(instructions(oneNamed, List.of(cpiEvent(1), cpiEvent(2)))).containsExactly("Open", "Open");

		List<String> truncated = logs(invoke(1), "Program log: Instruction: Open", invoke(2), success(),
				"Log truncated");
		assertThat(instructions(truncated, List.of(cpiEvent(1), cpiEvent(2)))).as("the cut may hide another")
			.containsExactly(null, null);

		List<String> twoNamed = logs(invoke(1), "Program log: Instruction: Open", success(), invoke(1),
				"Program log: Instruction: Close", invoke(2), success(), success());
		assertThat(instructions(twoNamed, List.of(cpiEvent(1), cpiEvent(2)))).containsExactly(null, null);
	}
}
