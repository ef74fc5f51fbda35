package io.couponsync.jobs;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;

import io.couponsync.jobs.decode.DecodeCommand;
import io.couponsync.jobs.launch.RunJobCommand;
import io.couponsync.jobs.verify.VerifyCommand;

/**
 * The jar's entry point. {@code java -jar jobs.jar} runs the platform ({@link JobsApplication}); {@code decode ...}
 * runs the decode command alone, with no Spring context, web server or connection; {@code run <job> ...} runs one job
 * to its end and exits with its status; {@code verify ...} checks MongoDB against the finalized chain and exits.
 * The commands are handed the configuration root they start, so that no package depends on this one in a cycle.
 */
public final class JobsMain {

	private JobsMain() {
	}

	public static void main(String[] args) {
		// why: the default H2 job repository is opened with AUTO_SERVER=TRUE, so a command run beside the
		// application shares it; H2 then serves it over TCP, on every interface unless told otherwise
		if (System.getProperty("h2.bindAddress") == null) {
			System.setProperty("h2.bindAddress", "127.0.0.1");
		}
		if (args.length > 0 && "decode".equals(args[0])) {
			int exitCode = DecodeCommand.run(Arrays.copyOfRange(args, 1, args.length), System.in,
					new FileOutputStream(FileDescriptor.out), System.err);
			System.exit(exitCode);
		}
		if (args.length > 0 && "run".equals(args[0])) {
			System.exit(RunJobCommand.run(JobsApplication.class, Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		if (args.length > 0 && "verify".equals(args[0])) {
			System.exit(VerifyCommand.run(JobsApplication.class, Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		SpringApplication.run(JobsApplication.class, args);
	}
}
