package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.chain.idl.IdlLoader;
import io.couponsync.jobs.readmodel.ProgramHistory;

/**
 * One transaction never stops the apply job: a transaction whose events decode but cannot be projected (here: an
 * IDL update renamed a field the projection needs) and one that waits for an earlier event that never comes are
 * dead-lettered with their reasons, and every other transaction applies.
 */
@SpringBatchTest
@JobsIntegrationTest
@TestPropertySource(properties = { "sync.jobs.apply.max-waits=2",
		"spring.datasource.url=jdbc:h2:mem:apply-failures-it;DB_CLOSE_DELAY=-1" })
class ApplyFailuresIT {

	/** The project's IDL, which the history is written with. */
	private static final String IDL = "../config/idl/discount_platform.json";

	@DynamicPropertySource
	static void renamedFieldIdl(DynamicPropertyRegistry registry) throws IOException {
		// why: fields renamed by an IDL update — the bytes decode as before, under names the read model does not know:
		// MerchantRegistered.merchant (a projection copies it), CouponMinted.promotion (a reference is looked up by
		// it) and RewardsStaked.amount (only counters read it)
		String idl = Files.readString(Path.of(IDL));
		String renamed = renameFirstField(idl, "MerchantRegistered", "merchant", "merchant_account");
		renamed = renameField(renamed, "CouponMinted", "\"name\": \"promotion\"", "\"name\": \"promotion_account\"");
		renamed = renameField(renamed, "RewardsStaked", "\"name\": \"amount\"", "\"name\": \"amount_staked\"");
		Path file = Files.createTempFile("renamed-field", ".json");
		Files.writeString(file, renamed);
		file.toFile().deleteOnExit();
		registry.add("sync.program.idl", file::toString);
	}

	private static String renameFirstField(String idl, String type, String field, String newName) {
		String original = "{\"name\": \"" + type + "\", \"type\": {\"kind\": \"struct\", \"fields\": [{\"name\": \""
				+ field + "\"";
		assertThat(idl).contains(original);
		return idl.replace(original, original.replace("\"" + field + "\"", "\"" + newName + "\""));
	}

	/** Renames a field inside the type definition of {@code type} (its first occurrence there). */
	private static String renameField(String idl, String type, String field, String renamed) {
		int start = idl.indexOf("{\"name\": \"" + type + "\", \"type\": {\"kind\": \"struct\"");
		assertThat(start).as(type).isNotNegative();
		int at = idl.indexOf(field, start);
		int end = idl.indexOf("]}}", start);
		assertThat(at).as(field + " in " + type).isBetween(start, end);
		return idl.substring(0, at) + renamed + idl.substring(at + field.length());
	}

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private JobRunner runner;

	@Autowired
	@Qualifier("applyEventsJob")
	private Job applyEventsJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@BeforeEach
	void clean() {
		database().drop();
		staging.createIndexes();
		repository.removeJobExecutions();
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	private Document deadLetter(String signature) {
		return database().getCollection("dead_letters").find(new Document("_id", signature)).first();
	}

	@Test
	void aTransactionThatCannotBeProjectedIsDeadLetteredAndTheChunkApplies() throws Exception {
		var history = new ProgramHistory(IdlLoader.load(Path.of(IDL)));
		history.initialize(ProgramHistory.key("authority"));
		history.registerMerchant(ProgramHistory.key("merchant authority"), "Corner Cafe");
		history.updateExternalDeal("FLIGHT-1", 500);
		staging.insertIfAbsent(history.transactions());

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		String broken = history.transactions().get(1).signature();
		assertThat(deadLetter(broken)).isNotNull();
		assertThat(deadLetter(broken).getList("reasons", String.class)).singleElement().asString()
			.contains("MerchantRegistered").contains("cannot be projected");
		assertThat(database().getCollection("staged_transactions").find(new Document("_id", broken)).first()
			.getString("status")).isEqualTo("dead");
		assertThat(database().getCollection("external_deals").countDocuments()).isEqualTo(1);
		assertThat(database().getCollection("marketplace").countDocuments()).isEqualTo(1);
		assertThat(database().getCollection("chain_events").countDocuments(new Document("signature", broken)))
			.as("nothing of it is logged").isZero();
	}

	@Test
	void aTransactionWhoseReferenceKeyOrCountedFieldIsMissingIsDeadLetteredAndTheChunkApplies() throws Exception {
		var history = new ProgramHistory(IdlLoader.load(Path.of(IDL)));
		history.initialize(ProgramHistory.key("authority"));
		String promotion = ProgramHistory.promotion(ProgramHistory.merchant(ProgramHistory.key("merchant")), 0);
		history.mintCoupon(promotion, 0, ProgramHistory.merchant(ProgramHistory.key("merchant")),
				ProgramHistory.key("recipient"), 10);
		history.stakeCoupon(ProgramHistory.key("staker"), 30, 5);
		history.updateExternalDeal("FLIGHT-2", 700);
		staging.insertIfAbsent(history.transactions());

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		String minted = history.transactions().get(1).signature();
		String staked = history.transactions().get(2).signature();
		assertThat(deadLetter(minted).getList("reasons", String.class)).singleElement().asString()
			.contains("CouponMinted").contains("field promotion, which looks up PromotionCreated, is missing");
		assertThat(deadLetter(staked).getList("reasons", String.class)).singleElement().asString()
			.contains("RewardsStaked.amount").contains("is missing");
		for (String dead : List.of(minted, staked)) {
			assertThat(database().getCollection("staged_transactions").find(new Document("_id", dead)).first()
				.getString("status")).isEqualTo("dead");
			assertThat(database().getCollection("chain_events").countDocuments(new Document("signature", dead)))
				.as("nothing of it is logged").isZero();
		}
		assertThat(database().getCollection("external_deals").countDocuments()).isEqualTo(1);
		assertThat(database().getCollection("marketplace").countDocuments()).isEqualTo(1);
	}

	@Test
	void aStagedDocumentWhoseContentCannotBeReadIsDeadLetteredAndTheRestApplies() throws Exception {
		var history = new ProgramHistory(IdlLoader.load(Path.of(IDL)));
		history.initialize(ProgramHistory.key("authority"));
		String corrupted = history.updateExternalDeal("FLIGHT-3", 900);
		String intact = history.updateExternalDeal("FLIGHT-4", 100);
		staging.insertIfAbsent(history.transactions());
		String signature = history.transactions().get(1).signature();
		MongoCollection<Document> staged = database().getCollection("staged_transactions");
		// why: a hand edit or a faulty tool, not anything the listener or the backfill writes
		staged.updateOne(Filters.eq("_id", signature), Updates.set("logs", List.of(1, 2, 3)));

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		Document letter = deadLetter(signature);
		assertThat(letter.getList("reasons", String.class)).singleElement().asString()
			.startsWith("staging's document cannot be read: java.lang.ClassCastException");
		assertThat(letter.get("input", Document.class)).doesNotContainKey("logs")
			.containsEntry("unreadable", letter.getList("reasons", String.class).get(0)
				.substring("staging's document cannot be read: ".length()));
		Document stagedDocument = staged.find(Filters.eq("_id", signature)).first();
		assertThat(stagedDocument.getString("status")).isEqualTo("dead");
		assertThat(stagedDocument.getList("logs", Object.class)).as("left as it was, for repair").containsExactly(1, 2, 3);
		assertThat(database().getCollection("external_deals").find(Filters.eq("_id", corrupted)).first()).isNull();
		assertThat(database().getCollection("external_deals").find(Filters.eq("_id", intact)).first())
			.containsEntry("externalId", "FLIGHT-4").containsEntry("discountedPrice", 100L);

		// a crash between staging's move to dead and the letter: the next run writes the letter from staging
		database().getCollection("dead_letters").deleteOne(Filters.eq("_id", signature));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(deadLetter(signature).get("input", Document.class)).doesNotContainKey("logs")
			.containsKey("unreadable");
	}

	@Test
	void aTransactionTooLargeToStoreIsDeadLetteredWithItsSizeAndTheRestApplies() throws Exception {
		var history = new ProgramHistory(IdlLoader.load(Path.of(IDL)));
		history.initialize(ProgramHistory.key("authority"));
		String inflated = history.updateExternalDeal("FLIGHT-5", 900);
		String intact = history.updateExternalDeal("FLIGHT-6", 100);
		List<StagedTransaction> transactions = new ArrayList<>(history.transactions());
		StagedTransaction reported = transactions.get(1);
		List<String> padded = new ArrayList<>(reported.logs());
		padded.addAll(Collections.nCopies(17, "Program log: " + "x".repeat(1 << 20)));
		transactions.set(1, StagedTransaction.fromWebSocket(reported.signature(), reported.slot(), null, padded,
				Instant.now()));
		staging.insertIfAbsent(transactions);

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		Document letter = deadLetter(reported.signature());
		assertThat(letter.getList("reasons", String.class)).singleElement().asString()
			.startsWith("staging's document cannot be read: java.lang.IllegalArgumentException: the transaction is "
					+ "not stored whole: its document would be 17,")
			.endsWith("over MongoDB's limit of 16,777,216; not stored: " + padded.size() + " log lines");
		assertThat(database().getCollection("staged_transactions").find(Filters.eq("_id", reported.signature()))
			.first().getString("status")).isEqualTo("dead");
		assertThat(database().getCollection("external_deals").find(Filters.eq("_id", inflated)).first()).isNull();
		assertThat(database().getCollection("external_deals").find(Filters.eq("_id", intact)).first())
			.containsEntry("externalId", "FLIGHT-6").containsEntry("discountedPrice", 100L);
	}

	@Test
	void aTransactionWaitingForAnEventThatNeverComesIsDeadLetteredAfterMaxWaitsRuns() throws Exception {
		var history = new ProgramHistory(IdlLoader.load(Path.of(IDL)));
		String coupon = ProgramHistory.key("a coupon");
		String auction = history.createAuction(coupon, ProgramHistory.key("seller"), 1, "English", 100, 100,
				history.now() + 600);
		history.placeBid(auction, ProgramHistory.key("bidder"), 150, 1, history.now() + 590);
		var bid = history.transactions().get(1);
		staging.insertIfAbsent(List.of(bid));

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(deadLetter(bid.signature())).as("one run: it waits").isNull();

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(deadLetter(bid.signature())).isNotNull();
		assertThat(deadLetter(bid.signature()).getList("reasons", String.class)).singleElement().asString()
			.contains("waited 2 runs").contains("AuctionCreated of " + auction);
		assertThat(database().getCollection("staged_transactions").find(new Document("_id", bid.signature()))
			.first().getString("status")).isEqualTo("dead");
	}
}
