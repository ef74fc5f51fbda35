package io.couponsync.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The run-once command line, as a CronJob or an operator runs it. */
class RunJobCommandIT {

	private static final String[] CONFIG = { "--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
			"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
			"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
			"--spring.datasource.url=jdbc:h2:mem:run-command;DB_CLOSE_DELAY=-1" };

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return RunJobCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private static String[] with(String... args) {
		String[] all = new String[args.length + CONFIG.length];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(CONFIG, 0, all, args.length, CONFIG.length);
		return all;
	}

	@Test
	void runsAJobWithTypedParametersAndExitsWithItsStatus() {
		int code = run(with("applyEventsJob", "fromSlot=0", "requeueDeadLetters=true"));

		assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("applyEventsJob execution").contains("COMPLETED");
	}

	@Test
	void refusesUnknownJobsAndMalformedParameters() {
		assertThat(run(with("noSuchJob"))).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("no job named 'noSuchJob'").contains("applyEventsJob");
		assertThat(run("applyEventsJob", "fromSlot")).isEqualTo(2);
		assertThat(run()).isEqualTo(2);
	}
}
