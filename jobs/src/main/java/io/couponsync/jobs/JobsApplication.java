package io.couponsync.jobs;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import io.couponsync.jobs.decode.DecodeCommand;

/**
 * The batch platform: jobs, scheduling, admin UI. {@code java -jar jobs.jar decode ...} instead runs the decode
 * command alone, with no Spring context, web server or connection.
 */
@SpringBootApplication
public class JobsApplication {

	public static void main(String[] args) {
		if (args.length > 0 && "decode".equals(args[0])) {
			int exitCode = DecodeCommand.run(Arrays.copyOfRange(args, 1, args.length), System.in,
					new FileOutputStream(FileDescriptor.out), System.err);
			System.exit(exitCode);
		}
		SpringApplication.run(JobsApplication.class, args);
	}
}
