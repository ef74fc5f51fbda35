package io.couponsync.jobs.completeness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * The listener and the crawler together against a hostile simulator: a share of notifications withheld, the
 * WebSocket killed again and again, 429s on the RPC. Every confirmed transaction ends staged exactly once.
 */
class NothingLostIT {

	@Test
	void stagesEveryConfirmedTransactionOnceDespiteWithheldNotificationsDropsAnd429s() throws Exception {
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			simulator.faults().withholdNotificationsShare(0.25).retryAfterSeconds(0);
			try (ConfigurableApplicationContext jobs = new SpringApplicationBuilder(JobsApplication.class)
				.web(WebApplicationType.NONE)
				.run("--sync.program.id=" + simulator.programId(), "--sync.program.idl=../config/idl/discount_platform.json",
						"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
						"--sync.listener.reconnect-min-delay=50ms", "--sync.listener.reconnect-max-delay=300ms",
						"--sync.jobs.schedule-enabled=false", "--sync.mongodb.embedded.port=0",
						"--sync.mongodb.embedded.file=", "--spring.datasource.url=jdbc:h2:mem:nothing-lost;DB_CLOSE_DELAY=-1")) {
				MongoCollection<Document> staged = jobs.getBean(MongoClient.class).getDatabase("coupon_sync")
					.getCollection("staged_transactions");
				JobRunner runner = jobs.getBean(JobRunner.class);
				Job backfill = jobs.getBean("backfillJob", Job.class);
				Thread.sleep(500);
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
}
