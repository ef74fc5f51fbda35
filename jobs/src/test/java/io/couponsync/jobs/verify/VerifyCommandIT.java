package io.couponsync.jobs.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.couponsync.jobs.JobsApplication;

/** verify as an operator meets it when the RPC endpoint cannot be reached: one line that says so, exit code 1. */
class VerifyCommandIT {

	@Test
	void saysInOneLineThatTheRpcCannotBeReachedWithoutItsKey() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		int code = VerifyCommand.run(JobsApplication.class, new String[] { "--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json",
				"--sync.solana.rpc-url=http://127.0.0.1:" + closedPort + "/v2/secret-key?api-key=secret",
				"--sync.solana.ws-url=ws://127.0.0.1:" + closedPort, "--sync.solana.max-attempts=1",
				"--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
				"--spring.datasource.url=jdbc:h2:mem:verify-command;DB_CLOSE_DELAY=-1" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(code).isEqualTo(1);
		assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
				"verify: could not finish: cannot reach the Solana RPC at http://127.0.0.1:" + closedPort
						+ "/***?***: connection refused (getSlot, 1 attempt)");
	}
}
