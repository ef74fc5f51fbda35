package io.couponsync.jobs.completeness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jars as an operator runs them, each its own process, talking only over the wire: the simulator
 * ({@code simulator.jar}) with forks (half of each fork's transactions landing again), withheld notifications,
 * dropped WebSockets and 429s, landing a fixed number of transactions; the platform ({@code jobs.jar}, its
 * listener and scheduled jobs, embedded MongoDB); and the {@code verify} command, which knows nothing of the
 * simulator and judges MongoDB against the chain's finalized signatures and accounts over JSON-RPC. Once the
 * traffic has settled, verify passes; after MongoDB is tampered with, it fails and names what differs.
 */
class BlackBoxSyncProcessIT {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Path SIMULATOR_JAR = ROOT.resolve("simulator/target/simulator.jar");

	private static final Path JOBS_JAR = ROOT.resolve("jobs/target/jobs.jar");

	private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

	private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(4);

	@Test
	void verifyPassesOnceTheSyncSettlesAndFailsOnATamperedReadModel(@TempDir Path logs) throws Exception {
		assertThat(SIMULATOR_JAR).as("run ./mvnw package first").exists();
		assertThat(JOBS_JAR).as("run ./mvnw package first").exists();
		int rpcPort = freePort();
		int wsPort = freePort();
		int mongoPort = freePort();
		String mongoUri = "mongodb://127.0.0.1:" + mongoPort + "/coupon_sync";
		List<Process> processes = new ArrayList<>();
		try {
			Path simulatorLog = logs.resolve("simulator.log");
			processes.add(start(simulatorLog, Map.of(), JAVA, "-jar", SIMULATOR_JAR.toString(), "--rpc-port",
					"" + rpcPort, "--ws-port", "" + wsPort, "--slot-ms", "100", "--finality-slots", "32", "--rate",
					"150", "--transactions", "4000", "--fork-every-slots", "8", "--reland", "0.5", "--withhold", "0.2",
					"--too-many-requests", "0.05", "--retry-after", "1", "--drop-connections-every-slots", "40"));
			awaitLine(simulatorLog, Pattern.compile("JSON-RPC http"), Duration.ofSeconds(30));

			Map<String, String> environment = Map.of("SOLANA_RPC_URL", "http://127.0.0.1:" + rpcPort,
					"SOLANA_WS_URL", "ws://127.0.0.1:" + wsPort, "SOLANA_REQUESTS_PER_SECOND", "0",
					"EMBEDDED_MONGODB_PORT", "" + mongoPort, "JOBS_PORT", "" + freePort(), "JOB_REPOSITORY_URL",
					"jdbc:h2:mem:black-box;DB_CLOSE_DELAY=-1", "ADMIN_PASSWORD", "black-box-admin-password");
			Path jobsLog = logs.resolve("jobs.log");
			processes.add(start(jobsLog, environment, JAVA, "-jar", JOBS_JAR.toString(), "--sync.mongodb.embedded.file=",
					"--sync.listener.reconnect-min-delay=100ms", "--sync.listener.reconnect-max-delay=1s",
					"--sync.jobs.schedule.triggers.applyEventsJob.interval=1s",
					"--sync.jobs.schedule.triggers.backfillJob.interval=1s",
					"--sync.jobs.schedule.triggers.finalityJob.interval=1s"));

			Matcher trafficEnd = awaitLine(simulatorLog,
					Pattern.compile("(\\d+) transactions landed by slot (\\d+); no more traffic"), SETTLE_TIMEOUT);
			long lastTrafficSlot = Long.parseLong(trafficEnd.group(2));

			Verification verification = awaitPassingVerify(logs, environment, mongoUri, lastTrafficSlot);
			assertThat(verification.exitCode()).as("verify never passed:%n%s%njobs log tail:%n%s",
					verification.output(), tail(jobsLog)).isZero();
			System.out.println(verification.output().substring(verification.output().indexOf("verify: program")));
			assertThat(verification.figure("through slot")).isGreaterThan(lastTrafficSlot);
			assertThat(verification.figure("transactions: finalized on chain")).isGreaterThan(1000);
			assertThat(verification.figure("transactions: staged, applied and finalized"))
				.isEqualTo(verification.figure("transactions: finalized on chain"));
			assertThat(verification.figure("transactions: dropped by forks")).as("forks dropped transactions")
				.isPositive();
			assertThat(verification.figure("accounts: documents compared")).isGreaterThan(100);
			assertThat(verification.figure("accounts: fields compared")).isGreaterThan(1000);
			assertThat(Files.readString(simulatorLog)).contains("of them landed again");

			try (MongoClient mongo = MongoClients.create(mongoUri)) {
				MongoDatabase database = mongo.getDatabase("coupon_sync");
				MongoCollection<Document> staged = database.getCollection("staged_transactions");
				assertThat(staged.countDocuments(Filters.eq("source", "backfill")))
					.as("the crawler staged what withheld notifications and dropped sockets missed").isPositive();
				assertThat(staged.countDocuments(Filters.exists("relandedAt")))
					.as("transactions a fork dropped and the cluster landed again, moved to their new slots").isPositive();

				// nothing in the platform rewrites these once the chain is quiet, so verify must name each one
				Document promotion = database.getCollection("promotions").find(Filters.exists("orphaned", false))
					.first();
				database.getCollection("promotions").updateOne(Filters.eq("_id", promotion.get("_id")),
						Updates.inc("price", 1L));
				Document applied = staged.find(Filters.eq("status", "applied")).first();
				staged.deleteOne(Filters.eq("_id", applied.get("_id")));
				Document merchant = database.getCollection("merchants").find(Filters.exists("orphaned", false))
					.first();
				database.getCollection("merchants").updateOne(Filters.eq("_id", merchant.get("_id")),
						Updates.set("commitment", "confirmed"));
				Document listing = database.getCollection("listings").find(Filters.exists("orphaned", false))
					.first();
				database.getCollection("listings").updateOne(Filters.eq("_id", listing.get("_id")),
						Updates.set("orphaned", true));
				Document dropped = staged.find(Filters.eq("status", "dropped")).first();
				database.getCollection("chain_events").insertOne(new Document("_id", dropped.get("_id") + ":0")
					.append("signature", dropped.get("_id")).append("name", "CouponListed"));

				Verification tampered = verify(logs, environment, mongoUri);
				assertThat(tampered.exitCode()).as(tampered.output()).isEqualTo(1);
				assertThat(tampered.output()).contains("FAIL field-differs: 1 ",
						"promotions/" + promotion.get("_id") + ".price: read model",
						"FAIL missing-transaction: 1 ", applied.get("_id") + " (slot " + applied.get("slot") + ")",
						"FAIL events-of-dropped-transaction: 1 ", "  " + dropped.get("_id"),
						"FAIL unfinalized-document: 1 ", "merchants/" + merchant.get("_id"),
						"FAIL orphaned-but-on-chain: 1 ", "listings/" + listing.get("_id"),
						"verify: FAILED");
			}
		}
		finally {
			for (Process process : processes) {
				process.destroy();
			}
			for (Process process : processes) {
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
		}
	}

	private record Verification(int exitCode, String output) {

		long figure(String name) {
			Matcher matcher = Pattern.compile("(?m)^  " + Pattern.quote(name) + ": (\\d+)$").matcher(output);
			return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
		}
	}

	/**
	 * Runs {@code jobs.jar verify} every few seconds until it passes on slots past {@code lastTrafficSlot} (all the
	 * traffic) or the settle timeout ends.
	 */
	private static Verification awaitPassingVerify(Path logs, Map<String, String> environment, String mongoUri,
			long lastTrafficSlot) throws Exception {
		long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
		Verification last;
		do {
			last = verify(logs, environment, mongoUri);
			if (last.exitCode() == 0 && last.figure("through slot") > lastTrafficSlot) {
				return last;
			}
			Thread.sleep(2000);
		}
		while (System.nanoTime() < deadline);
		return last;
	}

	private static Verification verify(Path logs, Map<String, String> environment, String mongoUri)
			throws Exception {
		Path output = logs.resolve("verify.log");
		Process process = start(output, environment, JAVA, "-jar", JOBS_JAR.toString(), "verify",
				"--sync.mongodb.uri=" + mongoUri, "--spring.datasource.url=jdbc:h2:mem:verify");
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("verify finished").isTrue();
		return new Verification(process.exitValue(), Files.readString(output));
	}

	private static Process start(Path log, Map<String, String> environment, String... command) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		return builder.start();
	}

	private static Matcher awaitLine(Path log, Pattern pattern, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.exists(log)) {
				Matcher matcher = pattern.matcher(Files.readString(log));
				if (matcher.find()) {
					return matcher;
				}
			}
			Thread.sleep(200);
		}
		throw new AssertionError("no line matching '" + pattern + "' in " + log + " within " + timeout + ":\n"
				+ tail(log));
	}

	private static String tail(Path log) throws IOException {
		if (!Files.exists(log)) {
			return "(no output)";
		}
		String text = Files.readString(log);
		return text.substring(Math.max(0, text.length() - 4000));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
