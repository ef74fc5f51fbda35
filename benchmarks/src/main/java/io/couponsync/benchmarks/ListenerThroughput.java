package io.couponsync.benchmarks;

import java.nio.file.Path;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.bson.Document;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.listener.ListenerApplication;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Ledger;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/**
 * Sustained notifications per second from the simulator's PubSub through the listener into staging on the
 * embedded MongoDB, with the loss counted. Transactions land first (processed, not yet notified); each slot
 * advance then confirms a burst at once, so the listener, not the workload generator, sets the pace.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.ListenerThroughput [transactions] [h2|memory]
 * </pre>
 */
public final class ListenerThroughput {

	private ListenerThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
		String backend = args.length > 1 ? args[1] : "h2";
		int burst = 2_000;
		ScratchDirectory scratch = new ScratchDirectory("listener-bench");
		Path data = scratch.path();
		SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl())
			.withLedger(new Ledger.Config(1, 32, 300, 1_767_225_600L, 400))
			.withWorkload(MarketplaceWorkload.Options.plain()));
		System.out.printf("generating %,d transactions...%n", total);
		simulator.advanceSlots(1);
		// command-line arguments, since they outrank ./config/application.yml
		try (ConfigurableApplicationContext listener = new SpringApplicationBuilder(ListenerApplication.class).run(
				"--sync.program.id=" + simulator.programId(), "--sync.program.idl=config/idl/discount_platform.json",
				"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
				"--sync.mongodb.uri=", "--sync.mongodb.embedded.port=0",
				"--sync.mongodb.embedded.file=" + ("h2".equals(backend) ? data.resolve("mongo.mv").toString() : ""),
				"--server.port=0", "--logging.level.root=WARN",
				// why: the listener's web server refuses to start without an admin password; nobody logs in here
				"--sync.security.admin.password=" + java.util.UUID.randomUUID())) {
			MongoCollection<Document> staged = listener.getBean(MongoClient.class).getDatabase("coupon_sync")
				.getCollection("staged_transactions");
			Thread.sleep(1_000);
			long busyNanos = 0;
			int landed = 0;
			while (landed < total) {
				int size = Math.min(burst, total - landed);
				simulator.runWorkload(size);
				landed += size;
				long start = System.nanoTime();
				simulator.advanceSlots(1);
				int expected = landed + 2;
				while (staged.countDocuments() < expected) {
					Thread.sleep(2);
				}
				busyNanos += System.nanoTime() - start;
			}
			long count = staged.countDocuments();
			List<String> distinct = staged.distinct("_id", String.class).into(new java.util.ArrayList<>());
			System.out.printf("backend %s: %,d notifications staged in %.2f s of confirmation bursts = %,.0f per second%n",
					backend, total, busyNanos / 1e9, total / (busyNanos / 1e9));
			System.out.printf("staged documents %,d (distinct %,d), ledger transactions %,d, lost %d%n", count,
					distinct.size(), simulator.ledger().transactionCount(),
					simulator.ledger().transactionCount() - count);
		}
		finally {
			simulator.close();
			scratch.close();
		}
	}
}
