package io.couponsync.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.mongodb.client.MongoClient;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.chain.Base58;
import io.couponsync.chain.borsh.BorshEncoder;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.AccountWrite;
import io.couponsync.simulator.ledger.TransactionDraft;

/**
 * Accounts reconciled per second by a full reconcileJob run against the simulator answering every HTTP request after
 * a fixed latency, with the client held to a request rate, as a remote provider does. The chain holds {@code accounts}
 * Coupon accounts (written straight into the simulator's ledger, Borsh-encoded from the IDL) and the read model
 * starts empty, so every account is listed, read and inserted.
 *
 * <pre>
 * java -Xmx12g -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.ReconcileThroughput [accounts] [latencyMs] [requestsPerSecond] [parallelism] [partitionAccounts]
 * </pre>
 */
public final class ReconcileThroughput {

	private ReconcileThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
		int latency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
		int requestsPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 120;
		int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 8;
		int partitionAccounts = args.length > 4 ? Integer.parseInt(args[4]) : 50_000;
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			System.out.printf("writing %,d coupon accounts into the simulator...%n", total);
			writeCoupons(simulator, total);
			simulator.advanceSlots(40);
			simulator.faults().latency(Duration.ofMillis(latency));
			try (ConfigurableApplicationContext jobs = new SpringApplicationBuilder(JobsApplication.class)
				.web(WebApplicationType.NONE)
				.run("--sync.program.id=" + simulator.programId(), "--sync.program.idl=config/idl/discount_platform.json",
						"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
						"--sync.solana.requests-per-second=" + requestsPerSecond, "--sync.solana.timeout=300s",
						"--sync.listener.enabled=false", "--sync.jobs.schedule.enabled=false",
						"--sync.jobs.reconcile.parallelism=" + parallelism,
						"--sync.jobs.reconcile.partition-accounts=" + partitionAccounts, "--sync.mongodb.uri=",
						"--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
						"--spring.datasource.url=jdbc:h2:mem:reconcile-bench;DB_CLOSE_DELAY=-1",
						"--logging.level.root=WARN")) {
				simulator.metrics().reset();
				long start = System.nanoTime();
				JobExecution execution = jobs.getBean(JobRunner.class).run(jobs.getBean("reconcileJob", Job.class),
						new JobParametersBuilder().addString("mode", "full").toJobParameters());
				double seconds = (System.nanoTime() - start) / 1e9;
				long indexed = jobs.getBean(MongoClient.class).getDatabase("coupon_sync").getCollection("coupons")
					.countDocuments();
				System.out.printf("latency %d ms, %d requests/s, parallelism %d, partitions of %,d: %s, %,d accounts "
						+ "reconciled in %.1f s "
						+ "= %,.0f per second (%d getProgramAccounts, %,d getMultipleAccounts)%n", latency,
						requestsPerSecond, parallelism, partitionAccounts, execution.getStatus(), indexed, seconds,
						indexed / seconds,
						simulator.metrics().calls("getProgramAccounts"),
						simulator.metrics().calls("getMultipleAccounts"));
			}
		}
	}

	/** Coupon accounts at random addresses, a thousand per transaction, ten transactions per slot. */
	private static void writeCoupons(SolanaSimulator simulator, int total) {
		BorshEncoder encoder = new BorshEncoder(SolanaSimulator.bundledIdl());
		Random random = new Random(1);
		String payer = key(random);
		String promotion = key(random);
		String merchant = key(random);
		for (int written = 0, transactions = 0; written < total; transactions++) {
			List<AccountWrite> writes = new ArrayList<>();
			for (int i = 0; i < 1000 && written < total; i++, written++) {
				Map<String, Object> fields = new LinkedHashMap<>();
				fields.put("id", (long) written);
				fields.put("promotion", promotion);
				fields.put("owner", key(random));
				fields.put("merchant", merchant);
				fields.put("discount_percentage", 20);
				fields.put("expiry_timestamp", 1_900_000_000L);
				fields.put("is_redeemed", false);
				fields.put("redeemed_at", 0L);
				fields.put("created_at", 1_800_000_000L + written);
				fields.put("metadata_uri", "https://coupons.example/" + written + ".json");
				fields.put("mint", key(random));
				writes.add(new AccountWrite(key(random), simulator.programId(), 2_000_000,
						encoder.encodeAccount("Coupon", fields)));
			}
			simulator.ledger().submit(new TransactionDraft(List.of(payer, simulator.programId()), 1, 1, List.of(),
					Map.of(), List.of("Program " + simulator.programId() + " invoke [1]",
							"Program " + simulator.programId() + " success"), null, 5000, 1000, writes, List.of()));
			if (transactions % 10 == 9) {
				simulator.advanceSlots(1);
			}
		}
	}

	private static String key(Random random) {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base58.encode(bytes);
	}
}
