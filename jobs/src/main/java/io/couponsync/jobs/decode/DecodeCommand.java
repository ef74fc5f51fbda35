package io.couponsync.jobs.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

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
		Idl idl;
		ProgramDecoder decoder;
		try {
			idl = IdlLoader.load(Path.of(idlPath));
			decoder = ProgramDecoder.compile(idl);
		}
		catch (IdlException ex) {
			stderr.println("decode: " + ex.getMessage());
			return 2;
		}
		if (programId == null) {
			programId = idl.address();
		}
		if (!accounts && (programId == null || !Base58.isPublicKey(programId))) {
			stderr.println(programId == null ? "decode: the IDL names no program address; give --program-id"
					: "decode: program id '" + programId + "' is not a base58 public key");
			return 2;
		}
		LineDecoder lineDecoder = accounts ? new AccountLineDecoder(decoder)
				: new TransactionLineDecoder(decoder, programId);
		try {
			stream(lineDecoder, stdin, stdout, bufferSize);
		}
		catch (IOException ex) {
			stderr.println("decode: " + ex.getMessage());
			return 1;
		}
		return 0;
	}

	/** Answers each input line with one output line, in order, holding one buffer's worth of each. */
	static void stream(LineDecoder decoder, InputStream stdin, OutputStream stdout, int bufferSize)
			throws IOException {
		JsonLineWriter output = new JsonLineWriter(stdout, bufferSize);
		LineInput input = new LineInput(stdin, bufferSize, output);
		while (input.next()) {
			decoder.decode(input, output);
			output.endLine();
			input.finish();
		}
		output.flush();
	}

	/** Turns one input line into one output JSON object. */
	interface LineDecoder {

		/** Reads the line through {@link LineInput#parser()} and writes its answer, without the line's end. */
		void decode(LineInput line, JsonLineWriter out) throws IOException;
	}
}
