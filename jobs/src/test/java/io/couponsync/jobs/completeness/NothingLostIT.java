package io.couponsync.jobs.completeness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.applyevents.GroundTruthComparison;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * The listener and the crawler together against a hostile simulator: a share of notifications withheld, the
 * WebSocket killed again and again, 429s on the RPC. Every confirmed transaction ends staged exactly once.
 */
class NothingLostIT {

	/** The jobs application with its in-process listener on {@code simulator}; jobs launched by the test only. */
	/** The in-process listener's logs and slot subscriptions are registered: what lands from now on reaches it. */
	private static void awaitListenerSubscribed(SolanaSimulator simulator) {
		await().atMost(Duration.ofSeconds(20)).until(() -> simulator.pubSub().subscriptionCount() >= 2);
	}

	private static ConfigurableApplicationContext startJobs(SolanaSimulator simulator, String name) {
		return new SpringApplicationBuilder(JobsApplication.class).web(WebApplicationType.NONE)
			.run("--sync.program.id=" + simulator.programId(), "--sync.program.idl=../config/idl/discount_platform.json",
					"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
					"--sync.listener.reconnect-min-delay=50ms", "--sync.listener.reconnect-max-delay=300ms",
					"--sync.jobs.schedule.enabled=false", "--sync.mongodb.embedded.port=0",
					"--sync.mongodb.embedded.file=", "--spring.datasource.url=jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
	}

	@Test
	void stagesEveryConfirmedTransactionOnceDespiteWithheldNotificationsDropsAnd429s() throws Exception {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			simulator.faults().withholdNotificationsShare(0.25).retryAfterSeconds(0);
			try (ConfigurableApplicationContext jobs = startJobs(simulator, "nothing-lost")) {
				MongoCollection<Document> staged = jobs.getBean(MongoClient.class).getDatabase("coupon_sync")
					.getCollection("staged_transactions");
				JobRunner runner = jobs.getBean(JobRunner.class);
				Job backfill = jobs.getBean("backfillJob", Job.class);
				awaitListenerSubscribed(simulator);
				for (int round = 0; round < 10; round++) {
					simulator.runWorkload(40);
					simulator.advanceSlots(1);
					if (round % 2 == 0) {
						simulator.dropConnections();
						simulator.runWorkload(20);
						simulator.advanceSlots(1);
					}
					if (round % 3 == 0) {
						simulator.faults().answerTooManyRequests(3);
						assertThat(runner.run(backfill, new JobParameters()).getStatus())
							.isEqualTo(BatchStatus.COMPLETED);
					}
					Thread.sleep(100);
				}
				simulator.advanceSlots(1);
				assertThat(runner.run(backfill, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

				long confirmedSlot = simulator.ledger().slot(Commitment.CONFIRMED);
				List<String> confirmed = simulator.ledger().transactions().stream()
					.filter(t -> t.slot() <= confirmedSlot).map(LedgerTransaction::signature).toList();
				await().atMost(Duration.ofSeconds(20)).until(() -> staged.countDocuments() >= confirmed.size());
				List<String> stagedSignatures = staged.distinct("_id", String.class).into(new ArrayList<>());
				assertThat(stagedSignatures).containsExactlyInAnyOrderElementsOf(confirmed);
				assertThat(staged.countDocuments()).isEqualTo(confirmed.size());
				assertThat(simulator.faults().withheldSignatures()).as("the listener alone would have missed these")
					.isNotEmpty();
				assertThat(staged.countDocuments(new Document("source", "websocket"))).isPositive();
				assertThat(staged.countDocuments(new Document("source", "backfill"))).isPositive();
			}
		}
	}

	/**
	 * The whole pipeline — listener, crawler, apply, finality — through forks (half of each fork's transactions
	 * landing again elsewhere), withheld notifications, dropped sockets and 429s: in the end every transaction on
	 * the chain is staged, applied and finalized once, every dropped one is undone, and the read model equals the
	 * chain's finalized accounts.
	 */
	@Test
	void settlesEveryTransactionAndMatchesTheFinalizedChainThroughForks() throws Exception {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			simulator.faults().withholdNotificationsShare(0.2).retryAfterSeconds(0);
			try (ConfigurableApplicationContext jobs = startJobs(simulator, "settles")) {
				MongoDatabase database = jobs.getBean(MongoClient.class).getDatabase("coupon_sync");
				MongoCollection<Document> staged = database.getCollection("staged_transactions");
				JobRunner runner = jobs.getBean(JobRunner.class);
				List<Job> pipeline = List.of(jobs.getBean("backfillJob", Job.class),
						jobs.getBean("applyEventsJob", Job.class), jobs.getBean("finalityJob", Job.class));
				Set<String> forkedAway = new HashSet<>();
				awaitListenerSubscribed(simulator);
				for (int round = 0; round < 12; round++) {
					for (int slot = 0; slot < 3; slot++) {
						simulator.runWorkload(15);
						simulator.advanceSlots(1);
					}
					if (round % 4 == 1) {
						simulator.dropConnections();
					}
					if (round % 3 == 2) {
						long finalized = simulator.ledger().slot(Commitment.FINALIZED);
						LedgerTransaction forkPoint = simulator.ledger().transactions().stream()
							.filter(t -> t.slot() > finalized).skip(20).findFirst().orElseThrow();
						List<LedgerTransaction> dropped = simulator.dropByFork(forkPoint);
						List<LedgerTransaction> relanded = simulator.reland(dropped.subList(0, dropped.size() / 2));
						dropped.subList(relanded.size(), dropped.size()).forEach(t -> forkedAway.add(t.signature()));
						relanded.forEach(t -> forkedAway.remove(t.signature()));
					}
					if (round % 4 == 3) {
						simulator.faults().answerTooManyRequests(3);
					}
					Thread.sleep(100);
					for (Job job : pipeline) {
						assertThat(runner.run(job, new JobParameters()).getStatus()).as(job.getName())
							.isEqualTo(BatchStatus.COMPLETED);
					}
				}
				simulator.advanceSlots(80);
				for (int pass = 0; pass < 3; pass++) {
					for (Job job : pipeline) {
						assertThat(runner.run(job, new JobParameters()).getStatus()).as(job.getName())
							.isEqualTo(BatchStatus.COMPLETED);
					}
				}

				List<String> onChain = simulator.ledger().transactions().stream().map(LedgerTransaction::signature)
					.toList();
				assertThat(forkedAway).as("forks dropped transactions for good").isNotEmpty();
				assertThat(staged.countDocuments(Filters.and(Filters.in("_id", onChain), Filters.eq("status", "applied"),
						Filters.eq("commitment", "finalized")))).isEqualTo(onChain.size());
				java.util.Map<String, Long> slots = new java.util.HashMap<>();
				simulator.ledger().transactions().forEach(t -> slots.put(t.signature(), t.slot()));
				staged.find(Filters.in("_id", onChain)).forEach(document -> assertThat(
						document.get("slot", Number.class).longValue()).as("slot of " + document.getString("_id"))
					.isEqualTo(slots.get(document.getString("_id"))));
				assertThat(staged.countDocuments(Filters.nin("_id", onChain))).as("staged but not on the chain")
					.isEqualTo(staged.countDocuments(new Document("status", "dropped")));
				assertThat(staged.countDocuments(Filters.in("commitment", List.of("confirmed", "processed"))))
					.as("unresolved").isZero();
				assertThat(simulator.faults().withheldSignatures()).isNotEmpty();
				assertThat(database.getCollection("chain_events").countDocuments(Filters.nin("signature", onChain)))
					.as("events of dropped transactions").isZero();
				assertThat(database.getCollection("chain_events").countDocuments(new Document("commitment", "confirmed")))
					.isZero();
				List<String> orphans = new ArrayList<>();
				assertThat(GroundTruthComparison.differences(database,
						simulator.groundTruth().accounts(Commitment.FINALIZED), orphans)).isEmpty();
				for (String orphan : orphans) {
					String[] parts = orphan.split("/");
					Document document = database.getCollection(parts[0]).find(new Document("_id", parts[1])).first();
					assertThat(document.getBoolean("orphaned", false) || parts[0].equals("redemption_tickets"))
						.as(orphan + " is marked orphaned").isTrue();
				}
			}
		}
	}
}
