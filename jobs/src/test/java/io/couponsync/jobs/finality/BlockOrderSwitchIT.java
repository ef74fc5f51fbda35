package io.couponsync.jobs.finality;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.applyevents.LedgerStaging;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;

/** With {@code sync.jobs.finality.record-block-order=false} neither the apply job nor the finality job reads blocks. */
@SpringBatchTest
@JobsIntegrationTest
@TestPropertySource(properties = { "sync.jobs.finality.record-block-order=false",
		"spring.datasource.url=jdbc:h2:mem:block-order-off;DB_CLOSE_DELAY=-1" })
class BlockOrderSwitchIT {

	private static SolanaSimulator simulator;

	@DynamicPropertySource
	static void solana(DynamicPropertyRegistry registry) {
		simulator = SimulatorProperties.startManual(registry);
	}

	@AfterAll
	static void stop() {
		simulator.close();
	}

	@Autowired
	private JobRunner runner;

	@Autowired
	private Job applyEventsJob;

	@Autowired
	private Job finalityJob;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Test
	void neitherJobReadsBlocksWhenSwitchedOff() throws Exception {
		for (int slot = 0; slot < 5; slot++) {
			simulator.runWorkload(8);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(simulator.ledger().config().finalizationDepth() + 2);
		staging.insertIfAbsent(LedgerStaging.stagedWithoutPositions(simulator.ledger().transactions()));

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(simulator.metrics().calls("getSignatureStatuses")).isPositive();
		assertThat(simulator.metrics().calls("getBlock")).isZero();
		assertThat(mongo.getDatabase("coupon_sync").getCollection("staged_transactions")
			.countDocuments(new Document("positionInBlock", new Document("$exists", true)))).isZero();
	}
}
