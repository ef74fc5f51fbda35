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

import io.couponsync.jobs.JobsApplication;

/**
 * How long a confirmed transaction takes to become visible in the read model on the one-process default: the demo
 * profile (simulator in the process, listener, scheduled jobs, embedded MongoDB) at a given rate of transactions,
 * measured from the listener's receipt of the confirmed notification ({@code receivedAt}) to the end of the apply
 * chunk that wrote it ({@code appliedAt}, set after its fields — so an upper bound), for every transaction received
 * after a warm-up.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.SyncLatency [seconds] [transactions per second]
 * </pre>
 */
public final class SyncLatency {

	private SyncLatency() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
		int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
		int warmUpSeconds = 15;
		try (ConfigurableApplicationContext jobs = new SpringApplicationBuilder(JobsApplication.class)
			.profiles("demo")
			.run("--sync.demo.transactions-per-second=" + rate, "--server.port=0", "--sync.mongodb.embedded.port=0",
					"--logging.level.root=WARN")) {
			Date measuredFrom = new Date(System.currentTimeMillis() + warmUpSeconds * 1000L);
			Thread.sleep((warmUpSeconds + seconds) * 1000L);
			Date measuredTo = new Date();
			Thread.sleep(10_000);
			List<Long> latencies = new ArrayList<>();
			long notApplied = jobs.getBean(MongoClient.class).getDatabase("coupon_sync")
				.getCollection("staged_transactions")
				.countDocuments(Filters.and(Filters.gte("receivedAt", measuredFrom), Filters.lt("receivedAt",
						measuredTo), Filters.exists("appliedAt", false)));
			jobs.getBean(MongoClient.class).getDatabase("coupon_sync").getCollection("staged_transactions")
				.find(Filters.and(Filters.gte("receivedAt", measuredFrom), Filters.lt("receivedAt", measuredTo),
						Filters.exists("appliedAt")))
				.projection(Projections.include("receivedAt", "appliedAt"))
				.forEach((Document document) -> latencies.add(document.getDate("appliedAt").getTime()
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
		}
	}

	private static long percentile(List<Long> sorted, int percent) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
	}
}
