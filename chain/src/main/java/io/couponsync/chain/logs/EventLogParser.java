package io.couponsync.chain.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.ProgramDecoder.DecodableType;
import io.couponsync.chain.StrictBase64;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeError;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.idl.Discriminator;
import io.couponsync.chain.value.ValueSink;

/**
 * Finds a program's {@code emit!} events in a transaction's log messages. It rebuilds the invoke stack from
 * {@code Program <id> invoke [n]} / {@code success} / {@code failed} lines; a {@code Program data:} line is the
 * program's event exactly when the innermost frame is the program, at any depth, so events of the program invoked
 * by another program count and other programs' data lines never do. {@code Program log:} lines are never events;
 * the first {@code Program log: Instruction: <Name>} of a frame of the program — what Anchor's dispatcher logs before
 * the handler runs — names the instruction its events come from. One parser per thread: it reuses its buffers and
 * allocates nothing per line beyond the decoded values and one name per instruction.
 */
public final class EventLogParser {

	private static final String PROGRAM = "Program ";

	private static final String DATA = "Program data: ";

	private static final String LOG = "Program log: ";

	private static final String INSTRUCTION = LOG + "Instruction: ";

	private static final String TRUNCATED = "Log truncated";

	private final ProgramDecoder decoder;

	private final String programId;

	private final StrictBase64 base64 = new StrictBase64();

	private final BorshInput input = new BorshInput();

	/** ours[d] tells whether the frame at depth d+1 is the program. */
	private boolean[] ours = new boolean[8];

	/** instructions[d]: the instruction the frame at depth d+1 named in its log, null until it has. */
	private String[] instructions = new String[8];

	private int depth;

	/** selfInvocations[d]: whether the frame at depth d+1 is the program invoked by itself. */
	private boolean[] selfInvocations = new boolean[8];

	private boolean selfInvoked;

	/** Per self-invocation that ran no named instruction (emit_cpi!'s), in log order: the invoking frame's. */
	private final List<String> eventCpiInstructions = new ArrayList<>();

	/** The distinct instructions the program's frames named, in log order. */
	private final List<String> namedInstructions = new ArrayList<>(2);

	public EventLogParser(ProgramDecoder decoder, String programId) {
		this.decoder = decoder;
		this.programId = programId;
	}

	public String programId() {
		return programId;
	}

	/**
	 * Parses one transaction's logs.
	 * @return true when the logs say they were truncated ({@code Log truncated}): events may be missing
	 */
	public boolean parse(List<String> logs, EventLogVisitor visitor) {
		depth = 0;
		selfInvoked = false;
		eventCpiInstructions.clear();
		namedInstructions.clear();
		boolean truncated = false;
		for (int line = 0; line < logs.size(); line++) {
			String log = logs.get(line);
			if (log == null) {
				continue;
			}
			if (log.startsWith(PROGRAM)) {
				if (log.startsWith(DATA)) {
					if (depth > 0 && ours[depth - 1]) {
						decodeDataLine(line, log, visitor);
					}
				}
				else if (!log.startsWith(LOG)) {
					trackInvocation(log);
				}
				else if (depth > 0 && ours[depth - 1] && instructions[depth - 1] == null
						&& log.startsWith(INSTRUCTION)) {
					instructions[depth - 1] = log.substring(INSTRUCTION.length());
					if (!namedInstructions.contains(instructions[depth - 1])) {
						namedInstructions.add(instructions[depth - 1]);
					}
				}
			}
			else if (log.startsWith(TRUNCATED)) {
				truncated = true;
			}
		}
		return truncated;
	}

	/**
	 * Whether the last parsed logs show the program invoking itself, as {@code emit_cpi!} does: such events are
	 * only in the transaction's inner instructions, which the logs alone do not carry.
	 */
	public boolean sawSelfInvocation() {
		return selfInvoked;
	}

	/**
	 * The instruction that emitted each {@code emit_cpi!} event of the last parsed logs, in order: for every
	 * invocation of the program by itself that named no instruction of its own, the invoking frame's (null where
	 * that named none). Matches the transaction's event instructions one to one unless lines were lost. A view,
	 * valid until the next parse.
	 */
	public List<String> eventCpiInstructions() {
		return Collections.unmodifiableList(eventCpiInstructions);
	}

	/** The distinct instructions the program's frames of the last parsed logs named, in log order; a view. */
	public List<String> namedInstructions() {
		return Collections.unmodifiableList(namedInstructions);
	}

	/** Handles "Program <id> invoke [n]", "Program <id> success" and "Program <id> failed: ...". */
	private void trackInvocation(String log) {
		int idEnd = log.indexOf(' ', PROGRAM.length());
		if (idEnd < 0) {
			return;
		}
		if (log.startsWith("invoke [", idEnd + 1)) {
			int level = parseLevel(log, idEnd + 9);
			boolean isOurs = idEnd - PROGRAM.length() == programId.length()
					&& log.startsWith(programId, PROGRAM.length());
			// why: the runtime's own depth number keeps the stack right even if a line was lost before it
			int newDepth = level > 0 ? level : depth + 1;
			if (newDepth > ours.length) {
				ours = Arrays.copyOf(ours, Math.max(newDepth, ours.length * 2));
				instructions = Arrays.copyOf(instructions, ours.length);
				selfInvocations = Arrays.copyOf(selfInvocations, ours.length);
			}
			// why: frames skipped by a jump in depth (lines lost) must not keep an earlier transaction's state
			for (int skipped = depth; skipped < newDepth - 1; skipped++) {
				ours[skipped] = false;
				instructions[skipped] = null;
				selfInvocations[skipped] = false;
			}
			boolean self = isOurs && newDepth > 1 && ours[newDepth - 2];
			if (self) {
				// why: the program invoking itself is how emit_cpi! events travel; their data is not in the logs
				selfInvoked = true;
			}
			ours[newDepth - 1] = isOurs;
			instructions[newDepth - 1] = null;
			selfInvocations[newDepth - 1] = self;
			depth = newDepth;
		}
		else if (log.startsWith("success", idEnd + 1) || log.startsWith("failed", idEnd + 1)) {
			if (depth > 0) {
				if (selfInvocations[depth - 1] && instructions[depth - 1] == null) {
					eventCpiInstructions.add(instructions[depth - 2]);
				}
				depth--;
			}
		}
	}

	private static int parseLevel(String log, int start) {
		int level = 0;
		for (int i = start; i < log.length(); i++) {
			char c = log.charAt(i);
			if (c == ']') {
				return level;
			}
			if (c < '0' || c > '9' || level > 1000) {
				return -1;
			}
			level = level * 10 + (c - '0');
		}
		return -1;
	}

	private void decodeDataLine(int line, String log, EventLogVisitor visitor) {
		try {
			base64.clear();
			int position = DATA.length();
			int end = log.length();
			while (position < end) {
				int chunkEnd = log.indexOf(' ', position);
				if (chunkEnd < 0) {
					chunkEnd = end;
				}
				if (chunkEnd > position) {
					base64.append(log, position, chunkEnd);
				}
				position = chunkEnd + 1;
			}
			byte[] data = base64.buffer();
			int length = base64.length();
			if (length < Discriminator.LENGTH) {
				throw new DecodeException(DecodeError.DATA_TOO_SHORT, 0,
						"needed 8 bytes for the event discriminator, " + length + " present");
			}
			DecodableType event = decoder.event(data, 0);
			if (event == null) {
				throw new DecodeException(DecodeError.UNKNOWN_DISCRIMINATOR, 0,
						"no event has discriminator " + new Discriminator(Discriminator.readLong(data, 0)));
			}
			ValueSink sink = visitor.beginEvent(line, event.name(), instructions[depth - 1]);
			// why: offsets in errors count from the start of the event's bytes, discriminator included
			input.reset(data, 0, length).take(Discriminator.LENGTH, "event discriminator");
			try {
				event.codec().decode(input, sink);
			}
			catch (DecodeException ex) {
				throw ex.within(event.name());
			}
			visitor.endEvent(line, event.name());
		}
		catch (DecodeException ex) {
			visitor.eventFailed(line, ex);
		}
	}
}
