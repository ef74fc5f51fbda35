package io.couponsync.benchmarks;

import java.time.Duration;

import com.mongodb.client.MongoClient;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/**
 * Transactions crawled and staged per second by backfillJob against the simulator answering every HTTP request
 * after a fixed latency, as a remote provider does.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.BackfillThroughput [transactions] [latencyMs] [concurrency]
 * </pre>
 */
public final class BackfillThroughput {

	private BackfillThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
		int latency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
		int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()).withWorkload(MarketplaceWorkload.Options.realistic()))) {
			System.out.printf("generating %,d transactions...%n", total);
			for (int done = 0; done < total; done += 50) {
				simulator.runWorkload(Math.min(50, total - done));
				simulator.advanceSlots(1);
			}
			simulator.advanceSlots(40);
			simulator.faults().latency(Duration.ofMillis(latency));
			try (ConfigurableApplicationContext jobs = new SpringApplicationBuilder(JobsApplication.class)
				.web(WebApplicationType.NONE)
				.run("--sync.program.id=" + simulator.programId(), "--sync.program.idl=config/idl/discount_platform.json",
						"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
						"--sync.listener.enabled=false", "--sync.jobs.schedule.enabled=false",
						 "--sync.jobs.backfill.concurrency=" + concurrency,
						"--sync.jobs.backfill.chunk-size=" + Math.max(200, 50 * concurrency), "--sync.mongodb.uri=",
						"--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
						"--spring.datasource.url=jdbc:h2:mem:backfill-bench;DB_CLOSE_DELAY=-1",
						"--logging.level.root=WARN")) {
				long start = System.nanoTime();
				JobExecution execution = jobs.getBean(JobRunner.class).run(jobs.getBean("backfillJob", Job.class),
						new JobParameters());
				double seconds = (System.nanoTime() - start) / 1e9;
				long staged = jobs.getBean(MongoClient.class).getDatabase("coupon_sync")
					.getCollection("staged_transactions").countDocuments();
				System.out.printf("latency %d ms, concurrency %d: %s, %,d transactions crawled and staged in %.2f s "
						+ "= %,.0f per second (%,d HTTP requests)%n", latency, concurrency, execution.getStatus(),
						staged, seconds, staged / seconds, simulator.metrics().httpRequests());
			}
		}
	}
}
