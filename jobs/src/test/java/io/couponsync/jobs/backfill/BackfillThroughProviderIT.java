package io.couponsync.jobs.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.RpcProxy;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

/**
 * The signature crawler through an RPC provider that is not the simulator's faithful node: one that caps
 * getSignaturesForAddress pages below what was asked, and a chain that forks between a listing and the
 * getTransaction calls that follow it.
 */
@SpringBatchTest
@JobsIntegrationTest
@TestPropertySource(properties = { "sync.jobs.backfill.chunk-size=100", "sync.solana.max-attempts=2",
		"spring.datasource.url=jdbc:h2:mem:backfill-provider-it;DB_CLOSE_DELAY=-1" })
class BackfillThroughProviderIT {

	private static final SolanaSimulator simulator = SolanaSimulator
		.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));

	private static final RpcProxy provider = RpcProxy.start(simulator.rpcUrl());

	@DynamicPropertySource
	static void solana(DynamicPropertyRegistry registry) {
		registry.add("sync.program.id", simulator::programId);
		registry.add("sync.solana.rpc-url", provider::url);
		registry.add("sync.solana.ws-url", simulator::wsUrl);
	}

	@Autowired
	private JobRunner runner;

	@Autowired
	private Job backfillJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@AfterAll
	static void stop() {
		provider.close();
		simulator.close();
	}

	@BeforeEach
	void clean() {
		database().drop();
		staging.createIndexes();
		repository.removeJobExecutions();
		provider.reset();
		simulator.metrics().reset();
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	private MongoCollection<Document> staged() {
		return database().getCollection("staged_transactions");
	}

	private JobExecution crawl() throws Exception {
		return runner.run(backfillJob, new JobParameters());
	}

	private static List<String> confirmedSignatures() {
		long confirmed = simulator.ledger().slot(Commitment.CONFIRMED);
		return simulator.ledger().transactions().stream().filter(t -> t.slot() <= confirmed)
			.map(LedgerTransaction::signature).toList();
	}

	private static void land(int slots, int perSlot) {
		for (int slot = 0; slot < slots; slot++) {
			simulator.runWorkload(perSlot);
			simulator.advanceSlots(1);
		}
	}

	@Test
	void walksPastShortPagesDownToTheFirstTransactionAndThenToTheCheckpoint() throws Exception {
		land(60, 10);
		simulator.advanceSlots(40);
		provider.capSignaturePages(100);

		assertThat(crawl().getStatus()).isEqualTo(BatchStatus.COMPLETED);

		int total = simulator.ledger().transactionCount();
		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.containsExactlyInAnyOrderElementsOf(confirmedSignatures());
		assertThat(simulator.metrics().calls("getSignaturesForAddress")).as("pages of 100, then an empty one")
			.isEqualTo((total + 99) / 100 + 1);

		land(25, 10);
		simulator.metrics().reset();

		assertThat(crawl().getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.containsExactlyInAnyOrderElementsOf(confirmedSignatures());
		// pages above the checkpoint, the empty one, and one signature asked below the last page to show the walk
		// reached the checkpoint rather than the end of what the node knows
		assertThat(simulator.metrics().calls("getSignaturesForAddress")).as("down to the checkpoint, not beyond")
			.isLessThanOrEqualTo(250 / 100 + 3);
	}

	@Test
	void recordsSignaturesAForkDroppedAfterTheListingAndStagesThemOnceLandedAgain() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		land(6, 15);
		LedgerTransaction firstUnfinalized = simulator.ledger().transactions().stream()
			.filter(t -> t.slot() > simulator.ledger().slot(Commitment.FINALIZED)).findFirst().orElseThrow();
		List<LedgerTransaction> dropped = new java.util.ArrayList<>();
		provider.afterNextListing(() -> dropped.addAll(simulator.dropByFork(firstUnfinalized)));

		JobExecution first = crawl();

		assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(dropped).hasSize(90);
		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.containsExactlyInAnyOrderElementsOf(confirmedSignatures());
		assertThat(database().getCollection(VanishedSignatures.COLLECTION).distinct("_id", String.class)
			.into(new java.util.HashSet<>()))
			.containsExactlyInAnyOrderElementsOf(dropped.stream().map(LedgerTransaction::signature).toList());
		Document record = database().getCollection(VanishedSignatures.COLLECTION)
			.find(new Document("_id", dropped.get(0).signature())).first();
		assertThat(record.getLong("slot")).isEqualTo(dropped.get(0).slot());
		assertThat(record.getString("listedAs")).isEqualTo("confirmed");
		assertThat(first.getStepExecutions().stream()
			.filter(step -> step.getStepName().equals(BackfillJobConfiguration.STEP_NAME)).findFirst().orElseThrow()
			.getExecutionContext().getLong(BackfillStagingWriter.VANISHED)).isEqualTo(dropped.size());

		List<LedgerTransaction> relanded = simulator.reland(dropped.subList(0, 30));
		simulator.advanceSlots(1);

		assertThat(crawl().getStatus()).isEqualTo(BatchStatus.COMPLETED);

		for (LedgerTransaction transaction : relanded) {
			assertThat(staged().find(new Document("_id", transaction.signature())).first().getLong("slot"))
				.as("staged at the slot it landed at again").isEqualTo(transaction.slot());
		}
		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.containsExactlyInAnyOrderElementsOf(confirmedSignatures());
	}

	@Test
	void aFinalTransactionLaggingNodesCannotServeYetIsListedAgainByTheNextCrawl() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		List<String> lagged = simulator.ledger().transactions().subList(150, 155).stream()
			.map(LedgerTransaction::signature).toList();
		provider.lagBehind(lagged);

		assertThat(crawl().getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.as("not staged: the nodes asked did not have them").doesNotContainAnyElementsOf(lagged);
		assertThat(database().getCollection(VanishedSignatures.COLLECTION).distinct("_id", String.class)
			.into(new java.util.HashSet<>())).containsExactlyInAnyOrderElementsOf(lagged);

		provider.reset();
		land(5, 10);
		simulator.advanceSlots(40);

		assertThat(crawl().getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.as("the next crawl walked below them again").containsExactlyInAnyOrderElementsOf(confirmedSignatures());
	}

	@Test
	void aPageFromANodeBehindThePreviousOneDoesNotEndTheFirstCrawl() throws Exception {
		land(40, 10);
		simulator.advanceSlots(40);
		provider.capSignaturePages(100);
		// the second page's request reaches a node that has not reached the slot of the first page's last entry
		simulator.faults().lagSignatureListings(100);
		try {
			assertThat(crawl().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		}
		finally {
			simulator.faults().lagSignatureListings(0);
		}

		assertThat(staged().distinct("_id", String.class).into(new java.util.HashSet<>()))
			.containsExactlyInAnyOrderElementsOf(confirmedSignatures());
	}
}
