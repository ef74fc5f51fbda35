package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.Base58;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.SimulatorProperties;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceProgram;

/**
 * Awards staged out of chain order. program-semantics §6.2: auto_award_badge appends the badge's byte (its BadgeType
 * index) to UserStats.badges_earned, so the list is in chain order — whatever order the listener and the crawler
 * stage the awards in.
 */
@JobsIntegrationTest
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:awards-staged-late-it;DB_CLOSE_DELAY=-1")
class AwardsStagedLateIT {

	/** BadgeType's variants in the IDL's order: a badge's byte is its index. */
	private static final List<String> BADGE_TYPES = List.of("FirstPurchase", "TenRedemptions", "FiftyRedemptions",
			"TopReviewer", "EarlyAdopter", "MerchantPartner", "CommunityModerator");

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
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Test
	void putsAnAwardStagedAfterALaterOneInItsPlace() throws Exception {
		staging.createIndexes();
		for (int slot = 0; slot < 20; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
		byte[] key = new byte[32];
		new Random(3).nextBytes(key);
		String user = Base58.encode(key);
		simulator.workload().mintCouponTo(user);
		simulator.advanceSlots(1);
		List<String> awarded = new ArrayList<>();
		List<LedgerTransaction> awards = new ArrayList<>();
		// why: badges whose award needs nothing of the user but existing stats
		for (String badge : List.of("EarlyAdopter", "MerchantPartner", "CommunityModerator")) {
			try {
				awards.add(simulator.workload().awardBadge(user, badge));
				awarded.add(badge);
				simulator.advanceSlots(1);
			}
			catch (MarketplaceProgram.InstructionRejected refused) {
				// the next one
			}
		}
		assertThat(awarded).as("two awards in two slots").hasSizeGreaterThanOrEqualTo(2);
		LedgerTransaction first = awards.get(0);
		staging.insertIfAbsent(LedgerStaging.staged(simulator.ledger().transactions().stream()
			.filter(transaction -> !transaction.signature().equals(first.signature())).toList()));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		String stats = simulator.workload().program().userStatsAddress(user);
		assertThat(badgesEarned(stats)).as("the later awards").containsExactly(bytes(awarded.subList(1,
				awarded.size())));

		staging.insertIfAbsent(LedgerStaging.staged(List.of(first)));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(badgesEarned(stats)).as("in chain order").containsExactly(bytes(awarded));
		assertThat(GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				new ArrayList<>())).isEmpty();
	}

	private static byte[] bytes(List<String> badges) {
		byte[] bytes = new byte[badges.size()];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) BADGE_TYPES.indexOf(badges.get(i));
		}
		return bytes;
	}

	private byte[] badgesEarned(String userStats) {
		Document document = database().getCollection(Projections.USER_STATS).find(new Document("_id", userStats))
			.first();
		return document.get("badgesEarned", Binary.class).getData();
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}
}
