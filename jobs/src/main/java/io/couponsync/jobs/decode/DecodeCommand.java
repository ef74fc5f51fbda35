package io.couponsync.jobs.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlException;
import io.couponsync.chain.idl.IdlLoader;

/**
 * The operator's "why did this transaction not apply?" tool: {@code decode --idl <file> [--program-id <base58>]
 * [--accounts]} reads JSON lines on stdin and writes one JSON line per input line. It starts nothing but itself
 * and streams, so input of any length needs constant memory.
 */
public final class DecodeCommand {

	static final String USAGE = """
			usage: decode --idl <file> [--program-id <base58>]   transactions: {"signature","logs","err"} lines
			       decode --idl <file> --accounts               accounts: {"data": "<base64>"} lines""";

	/** Bytes of input and of output held at a time; a longer input line streams through. */
	static final int BUFFER_SIZE = 1 << 16;

	private static final Mode<TransactionLine> TRANSACTIONS = new Mode<>(TransactionLine::new,
			TransactionLineDecoder::new, true);

	private static final Mode<AccountLine> ACCOUNTS = new Mode<>(AccountLine::new,
			(decoder, programId) -> new AccountLineDecoder(decoder), false);

	private DecodeCommand() {
	}

	/** Runs the command; returns the process exit code (0 done, 1 input or output failed, 2 bad arguments or IDL). */
	public static int run(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr) {
		return run(args, stdin, stdout, stderr, BUFFER_SIZE);
	}

	/** {@link #run} with another size for the input and output buffers; tests make lines outgrow them. */
	static int run(String[] args, InputStream stdin, OutputStream stdout, PrintStream stderr, int bufferSize) {
		String idlPath = null;
		String programId = null;
		boolean accounts = false;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--idl" -> idlPath = i + 1 < args.length ? args[++i] : null;
				case "--program-id" -> programId = i + 1 < args.length ? args[++i] : null;
				case "--accounts" -> accounts = true;
				case "-h", "--help" -> {
					stderr.println(USAGE);
					return 0;
				}
				default -> {
					stderr.println("decode: unknown argument '" + args[i] + "'\n" + USAGE);
					return 2;
				}
			}
		}
		if (idlPath == null) {
			stderr.println("decode: --idl <file> is required\n" + USAGE);
			return 2;
		}
		Streams streams = new Streams(stdin, stdout, stderr, bufferSize);
		return accounts ? decode(ACCOUNTS, idlPath, programId, streams)
				: decode(TRANSACTIONS, idlPath, programId, streams);
	}

	private static <T extends InputLine> int decode(Mode<T> mode, String idlPath, String programId, Streams streams) {
		// why: reading the input's JSON needs no IDL, so it starts now and overlaps the IDL's loading
		ReadAhead<T> lines = new ReadAhead<>(streams.in(), streams.bufferSize(), mode.newLine()).start();
		try {
			Idl idl;
			ProgramDecoder decoder;
			try {
				idl = IdlLoader.load(Path.of(idlPath));
				decoder = ProgramDecoder.compile(idl);
			}
			catch (IdlException ex) {
				streams.err().println("decode: " + ex.getMessage());
				return 2;
			}
			String program = programId != null ? programId : idl.address();
			if (mode.needsProgramId() && (program == null || !Base58.isPublicKey(program))) {
				streams.err().println(program == null ? "decode: the IDL names no program address; give --program-id"
						: "decode: program id '" + program + "' is not a base58 public key");
				return 2;
			}
			answerAll(lines, mode.newDecoder().apply(decoder, program),
					new JsonLineWriter(streams.out(), streams.bufferSize()));
			return 0;
		}
		catch (IOException ex) {
			streams.err().println("decode: " + ex.getMessage());
			return 1;
		}
		finally {
			lines.stop();
		}
	}

	/** Answers each line read with one output line, in order. */
	private static <T extends InputLine> void answerAll(ReadAhead<T> lines, LineDecoder<T> decoder,
			JsonLineWriter output) throws IOException {
		while (true) {
			ReadAhead.Batch<T> batch = lines.take();
			for (int i = 0; i < batch.size(); i++) {
				decoder.answer(batch.line(i), output);
				output.endLine();
			}
			Throwable failure = batch.failure();
			boolean last = batch.last();
			boolean flush = batch.flush();
			lines.release(batch);
			if (failure != null) {
				output.flush();
				if (failure instanceof IOException io) {
					throw io;
				}
				throw new IllegalStateException("reading the input failed", failure);
			}
			if (last) {
				break;
			}
			if (flush) {
				output.flush();
			}
		}
		output.flush();
	}

	/** Answers a line of a mode's input form with one output JSON object. */
	interface LineDecoder<T extends InputLine> {

		/** Writes the answer for the line, without the line's end: its decoding, or why it has none. */
		void answer(T line, JsonLineWriter out) throws IOException;
	}

	/** What a mode reads each line into, and how it answers it. */
	private record Mode<T extends InputLine>(Supplier<T> newLine,
			BiFunction<ProgramDecoder, String, LineDecoder<T>> newDecoder, boolean needsProgramId) {
	}

	private record Streams(InputStream in, OutputStream out, PrintStream err, int bufferSize) {
	}
}
