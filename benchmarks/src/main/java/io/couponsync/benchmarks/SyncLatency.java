package io.couponsync.benchmarks;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.jobs.JobsApplication;

/**
 * How long a confirmed transaction takes to become visible in the read model on the one-process default: the demo
 * profile (simulator in the process, listener, scheduled jobs, embedded MongoDB) at a given rate of transactions,
 * measured from the listener's receipt of the confirmed notification ({@code receivedAt}) to the end of the apply
 * chunk that first wrote it ({@code firstAppliedAt}, set after its fields — so an upper bound), for every
 * transaction received after a warm-up.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.SyncLatency [seconds] [transactions per second] [--property=value ...]
 * </pre>
 */
public final class SyncLatency {

	private SyncLatency() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
		int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
		int warmUpSeconds = 15;
		try (ConfigurableApplicationContext jobs = new SpringApplicationBuilder(JobsApplication.class,
				ApplyThroughput.CountingCommands.class)
			.profiles("demo")
			.run(withDefaults(args, "--sync.demo.transactions-per-second=" + rate, "--server.port=0",
					"--sync.mongodb.embedded.port=0",
					"--logging.level.root=WARN"))) {
			Date measuredFrom = new Date(System.currentTimeMillis() + warmUpSeconds * 1000L);
			Thread.sleep((warmUpSeconds + seconds) * 1000L);
			Date measuredTo = new Date();
			Thread.sleep(10_000);
			List<Long> latencies = new ArrayList<>();
			long notApplied = jobs.getBean(MongoClient.class).getDatabase("coupon_sync")
				.getCollection("staged_transactions")
				.countDocuments(Filters.and(Filters.gte("receivedAt", measuredFrom), Filters.lt("receivedAt",
						measuredTo), Filters.exists("firstAppliedAt", false)));
			jobs.getBean(MongoClient.class).getDatabase("coupon_sync").getCollection("staged_transactions")
				.find(Filters.and(Filters.gte("receivedAt", measuredFrom), Filters.lt("receivedAt", measuredTo),
						Filters.exists("firstAppliedAt")))
				.projection(Projections.include("receivedAt", "firstAppliedAt"))
				.forEach((Document document) -> latencies.add(document.getDate("firstAppliedAt").getTime()
						- document.getDate("receivedAt").getTime()));
			latencies.sort(null);
			if (latencies.isEmpty()) {
				System.out.println("no transaction was applied in the measured window");
				return;
			}
			System.out.printf("%d s at %d transactions/s (after %d s of warm-up): %,d transactions received, %,d "
					+ "applied, %,d not applied 10 s after the window%n", seconds, rate, warmUpSeconds,
					latencies.size() + notApplied, latencies.size(), notApplied);
			System.out.printf("  confirmed -> visible: p50 %,d ms, p90 %,d ms, p99 %,d ms, max %,d ms%n",
					percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
					latencies.get(latencies.size() - 1));
			System.out.printf("  %,d transactions staged over the whole run%n", jobs.getBean(MongoClient.class)
				.getDatabase("coupon_sync").getCollection("staged_transactions").countDocuments());
			printExecutions(jobs.getBean(JdbcTemplate.class));
			ApplyThroughput.printCostliestShapes(warmUpSeconds + seconds + 10);
		}
	}

	/** Where the time went: each job's executions over the whole run, with their mean and longest durations. */
	private static void printExecutions(JdbcTemplate jdbc) {
		System.out.println("  executions over the whole run (job, count, mean ms, max ms, time running):");
		jdbc.query("select i.JOB_NAME, e.START_TIME, e.END_TIME from BATCH_JOB_EXECUTION e join BATCH_JOB_INSTANCE i "
				+ "on e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID where e.END_TIME is not null", rs -> {
					String job = rs.getString(1);
					long millis = rs.getTimestamp(3).getTime() - rs.getTimestamp(2).getTime();
					DURATIONS.computeIfAbsent(job, name -> new ArrayList<>()).add(millis);
				});
		printDurations(DURATIONS);
		System.out.println("  and their steps (step, count, mean ms, max ms, time running):");
		jdbc.query("select s.STEP_NAME, s.START_TIME, s.END_TIME from BATCH_STEP_EXECUTION s "
				+ "where s.END_TIME is not null and s.START_TIME is not null", rs -> {
					long millis = rs.getTimestamp(3).getTime() - rs.getTimestamp(2).getTime();
					STEP_DURATIONS.computeIfAbsent(rs.getString(1), name -> new ArrayList<>()).add(millis);
				});
		printDurations(STEP_DURATIONS);
		Long written = jdbc.queryForObject("select sum(WRITE_COUNT) from BATCH_STEP_EXECUTION "
				+ "where STEP_NAME = 'applyEventsStep'", Long.class);
		System.out.printf("  the apply runs wrote %,d transactions in all (those applied again in block order "
				+ "counted again)%n", written == null ? 0 : written);
		System.out.println("  the five longest apply steps (ms, transactions written, chunks, started at):");
		jdbc.query("select s.START_TIME, s.END_TIME, s.WRITE_COUNT, s.COMMIT_COUNT from BATCH_STEP_EXECUTION s "
				+ "where s.STEP_NAME = 'applyEventsStep' and s.END_TIME is not null "
				+ "order by (s.END_TIME - s.START_TIME) desc fetch first 5 rows only", rs -> {
					System.out.printf("    %6d %6d %4d  %s%n", rs.getTimestamp(2).getTime() - rs.getTimestamp(1).getTime(),
							rs.getLong(3), rs.getLong(4), rs.getTimestamp(1).toLocalDateTime().toLocalTime());
				});
	}

	private static void printDurations(java.util.Map<String, List<Long>> byName) {
		byName.forEach((name, durations) -> System.out.printf("    %-20s %5d %8.0f %8d %8.1f s%n", name,
				durations.size(), durations.stream().mapToLong(Long::longValue).average().orElse(0),
				durations.stream().mapToLong(Long::longValue).max().orElse(0),
				durations.stream().mapToLong(Long::longValue).sum() / 1000.0));
	}

	private static final java.util.Map<String, List<Long>> DURATIONS = new java.util.TreeMap<>();

	private static final java.util.Map<String, List<Long>> STEP_DURATIONS = new java.util.TreeMap<>();

	/** The benchmark's settings, then any {@code --property=value} given after the two numbers (they win). */
	private static String[] withDefaults(String[] args, String... defaults) {
		List<String> all = new ArrayList<>(List.of(defaults));
		for (int i = 2; i < args.length; i++) {
			all.add(args[i]);
		}
		return all.toArray(String[]::new);
	}

	private static long percentile(List<Long> sorted, int percent) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
	}
}
