package io.couponsync.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.couponsync.simulator.SolanaSimulator;

/**
 * SIGTERM to {@code jobs.jar run} on the shipped one-process defaults, as an operator's Ctrl-C or a deadline sends
 * it: the job repository the H2 file {@code config/jobs.yml} names, MongoDB the embedded file server. The running
 * execution stops at a chunk boundary, recorded STOPPED, its lease released, so the next run continues it at once.
 * why: H2 closes its file databases in a JVM shutdown hook of its own; that hook ran beside Spring's graceful stop,
 * which then found the job repository closed and could record neither ({@code H2ExitHook}).
 */
class GracefulStopProcessIT {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

	private final List<Process> processes = new ArrayList<>();

	@TempDir
	private Path work;

	@AfterEach
	void stop() throws InterruptedException {
		for (Process process : processes) {
			process.destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void sigtermStopsTheRunningExecutionAndRecordsItInTheDefaultJobRepository() throws Exception {
		// why: the process's working directory holds the repository's config/ and gets the defaults' data/
		Files.createSymbolicLink(work.resolve("config"), ROOT.resolve("config"));
		int mongoPort = freePort();
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			for (int slot = 0; slot < 150; slot++) {
				simulator.runWorkload(10);
				simulator.advanceSlots(1);
			}
			simulator.advanceSlots(40);
			List<String> settings = List.of("--sync.program.id=" + simulator.programId(),
					"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
					"--sync.solana.requests-per-second=0", "--sync.mongodb.embedded.port=" + mongoPort);

			Process backfill = start("backfill.log", "backfillJob", settings);
			assertThat(backfill.waitFor(3, TimeUnit.MINUTES)).as("backfill finished").isTrue();
			assertThat(backfill.exitValue()).as(log("backfill.log")).isZero();

			Process apply = start("apply.log", "applyEventsJob", settings, "--sync.jobs.apply.chunk-size=5");
			try (MongoClient mongo = MongoClients.create("mongodb://127.0.0.1:" + mongoPort)) {
				await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
					.until(() -> mongo.getDatabase("coupon_sync").getCollection("staged_transactions")
						.countDocuments(new Document("status", "applied")) > 0);
			}
			apply.destroy();
			assertThat(apply.waitFor(90, TimeUnit.SECONDS)).as("stopped within its shutdown timeout").isTrue();

			String applyLog = log("apply.log");
			assertThat(applyLog).as(applyLog).doesNotContain("Database is already closed");
			assertThat(repository("select status from batch_job_execution where job_execution_id = "
					+ "(select max(job_execution_id) from batch_job_execution)")).as(applyLog).isEqualTo("STOPPED");
			assertThat(repository("select count(*) from job_lease")).as("the lease released").isEqualTo("0");

			Process continued = start("continued.log", "applyEventsJob", settings);
			assertThat(continued.waitFor(3, TimeUnit.MINUTES)).as("the next run finished").isTrue();
			assertThat(continued.exitValue()).as(log("continued.log")).isZero();
			assertThat(repository("select status from batch_job_execution where job_execution_id = "
					+ "(select max(job_execution_id) from batch_job_execution)")).isEqualTo("COMPLETED");
			assertThat(repository("select count(distinct job_instance_id) from batch_job_execution "
					+ "where job_execution_id > 1")).as("the stopped execution's instance continued").isEqualTo("1");
		}
	}

	/** One value from the job repository the processes left in the working directory. */
	private String repository(String sql) throws SQLException {
		try (Connection repository = DriverManager.getConnection("jdbc:h2:file:" + work.resolve(
				"data/job-repository"), "sa", "");
				Statement query = repository.createStatement(); ResultSet result = query.executeQuery(sql)) {
			assertThat(result.next()).as(sql).isTrue();
			return result.getString(1);
		}
	}

	private Process start(String log, String job, List<String> settings, String... more) throws IOException {
		List<String> command = new ArrayList<>(List.of(JAVA, "-jar", ROOT.resolve("jobs/target/jobs.jar").toString(),
				"run", job));
		command.addAll(settings);
		command.addAll(List.of(more));
		Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
			.redirectOutput(work.resolve(log).toFile()).start();
		processes.add(process);
		return process;
	}

	private String log(String name) throws IOException {
		return Files.readString(work.resolve(name));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
