package io.couponsync.jobs;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import io.couponsync.jobs.decode.DecodeCommand;
import io.couponsync.jobs.launch.RunJobCommand;
import io.couponsync.jobs.verify.VerifyCommand;

/**
 * The batch platform: jobs, scheduling, admin UI. {@code java -jar jobs.jar decode ...} instead runs the decode
 * command alone, with no Spring context, web server or connection; {@code java -jar jobs.jar run <job> ...} runs
 * one job to its end and exits with its status; {@code java -jar jobs.jar verify ...} checks MongoDB against the
 * finalized chain and exits.
 */
@SpringBootApplication
public class JobsApplication {

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
			System.exit(RunJobCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		if (args.length > 0 && "verify".equals(args[0])) {
			System.exit(VerifyCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		SpringApplication.run(JobsApplication.class, args);
	}
}
