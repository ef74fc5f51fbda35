package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.JobRepositoryTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/** applyEventsJob end to end: staged simulator traffic in, a read model equal to the chain out. */
@SpringBatchTest
@JobsIntegrationTest
@Import(ApplyEventsJobIT.CrashInjection.class)
@TestPropertySource(properties = { "sync.jobs.apply.chunk-size=50",
		"spring.datasource.url=jdbc:h2:mem:apply-events-it;DB_CLOSE_DELAY=-1" })
class ApplyEventsJobIT {

	private static SolanaSimulator simulator;

	private static List<LedgerTransaction> workload;

	@Autowired
	private JobOperatorTestUtils jobs;

	@Autowired
	private org.springframework.batch.core.job.Job applyEventsJob;

	@Autowired
	private JobRepositoryTestUtils repository;

	@Autowired
	private JobRunner runner;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private CrashInjection.FailOnce crash;

	@BeforeAll
	static void simulate() {
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl())
			.withWorkload(new MarketplaceWorkload.Options(0.1, 0.1, 0.03, 0)));
		for (int slot = 0; slot < 150; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
		workload = simulator.ledger().transactions();
	}

	@AfterAll
	static void stop() {
		simulator.close();
	}

	@BeforeEach
	void clean() {
		jobs.setJob(applyEventsJob);
		mongo.getDatabase("coupon_sync").drop();
		staging.createIndexes();
		repository.removeJobExecutions();
		crash.disarm();
	}

	private MongoDatabase database() {
		return mongo.getDatabase("coupon_sync");
	}

	private Launched run(JobParameters parameters) throws Exception {
		return new Launched(Launches.run(runner, jobs, parameters));
	}

	/** A finished execution, wrapped so the test class declares no JobExecution-returning method. */
	record Launched(JobExecution execution) {

		BatchStatus getStatus() {
			return execution.getStatus();
		}
	}

	/** Launch helpers live here: @SpringBatchTest reads the test class's JobExecution methods as factories. */
	static final class Launches {

		static JobExecution run(JobRunner runner, JobOperatorTestUtils jobs, JobParameters parameters)
				throws Exception {
			return runner.run(jobs.getJob(), parameters);
		}
	}

	/** The apply step's counters (a helper class: @SpringBatchTest reads StepExecution methods as factories). */
	private static StepCounts applyStep(JobExecution execution) {
		StepExecution step = execution.getStepExecutions().stream()
			.filter(s -> s.getStepName().equals("applyEventsStep")).findFirst().orElseThrow();
		return new StepCounts(step.getReadCount(), step.getWriteCount(), step.getSkipCount());
	}

	record StepCounts(long getReadCount, long getWriteCount, long getSkipCount) {
	}

	@Test
	void appliesTheWorkloadToAReadModelEqualToTheChain() throws Exception {
		staging.insertIfAbsent(LedgerStaging.staged(workload));

		JobExecution execution = run(new JobParameters()).execution();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		StepCounts step = applyStep(execution);
		assertThat(step.getReadCount()).isEqualTo(workload.size());
		assertThat(step.getWriteCount()).isEqualTo(workload.size());
		assertThat(step.getSkipCount()).isZero();
		List<String> orphans = new ArrayList<>();
		List<String> differences = GroundTruthComparison.differences(database(),
				simulator.groundTruth().accounts(Commitment.PROCESSED), orphans);
		assertThat(differences).isEmpty();
		// why: a cancelled ticket is closed without an event (orphan cleanup's work); a seller's cancelled auction is
		// closed with one, and marked so
		assertThat(orphans).allSatisfy(orphan -> assertThat(orphan.startsWith("redemption_tickets/")
				|| database().getCollection("auctions").countDocuments(new Document("_id", orphan.substring(9))
					.append("orphanReason", "closed")) == 1).as(orphan).isTrue());
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "applied")))
			.isEqualTo(workload.size());
		assertLoggedWhatTheProgramEmitted();
	}

	/**
	 * Each transaction's logged events are the ones the simulated program emitted, by name and in order — known from
	 * the program, not from decoding — and none for a failed one. (This workload's logs are never truncated;
	 * truncation has its own test.)
	 */
	private void assertLoggedWhatTheProgramEmitted() {
		Map<String, List<String>> logged = new HashMap<>();
		database().getCollection("chain_events").find().sort(new Document("index", 1))
			.forEach(event -> logged.computeIfAbsent(event.getString("signature"), s -> new ArrayList<>())
				.add(event.getString("name")));
		Map<String, List<String>> emitted = new HashMap<>();
		for (LedgerTransaction transaction : workload) {
			assertThat(transaction.draft().logs()).doesNotContain("Log truncated");
			if (!transaction.failed() && !transaction.draft().emittedEvents().isEmpty()) {
				emitted.put(transaction.signature(), transaction.draft().emittedEvents());
			}
		}
		assertThat(logged).isNotEmpty().isEqualTo(emitted);
	}

	@Test
	void replayingFromASlotLeavesTheSameReadModel() throws Exception {
		staging.insertIfAbsent(LedgerStaging.staged(workload));
		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Map<String, Map<String, Document>> first = snapshot();

		long fromSlot = workload.get(workload.size() / 3).slot();
		JobExecution replay = run(new JobParametersBuilder().addLong("fromSlot", fromSlot).toJobParameters()).execution();

		assertThat(replay.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(applyStep(replay).getWriteCount())
			.isEqualTo(workload.stream().filter(t -> t.slot() >= fromSlot).count());
		assertSameReadModel(snapshot(), first);
	}

	@ParameterizedTest
	@ValueSource(strings = { "events-logged", "fields-written", "journal-written", "counters-partly-written",
			"counters-written", "histories-written" })
	void convergesAfterACrashAtAnyStepOfTheWriter(String step) throws Exception {
		staging.insertIfAbsent(LedgerStaging.staged(workload));
		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Map<String, Map<String, Document>> clean = snapshot();
		clean();
		staging.insertIfAbsent(LedgerStaging.staged(workload));

		crash.arm(step, 7);
		JobExecution crashed = run(new JobParameters()).execution();
		assertThat(crashed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(applyStep(crashed).getWriteCount()).as("chunks committed before the crash").isEqualTo(6 * 50);

		JobExecution restarted = run(new JobParameters()).execution();

		assertThat(restarted.getJobInstance().getInstanceId()).isEqualTo(crashed.getJobInstance().getInstanceId());
		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(applyStep(restarted).getReadCount()).isEqualTo(workload.size() - 6 * 50);
		assertSameReadModel(snapshot(), clean);
	}

	@Test
	void retriesATransientMongoErrorAndCompletes() throws Exception {
		staging.insertIfAbsent(LedgerStaging.staged(workload));
		crash.armTransient("counters-written", 3);

		JobExecution execution = run(new JobParameters()).execution();

		assertThat(crash.fired()).as("the network error was thrown").isTrue();
		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(applyStep(execution).getWriteCount()).isEqualTo(workload.size());
		assertThat(GroundTruthComparison.differences(database(), simulator.groundTruth().accounts(Commitment.PROCESSED),
				new ArrayList<>())).isEmpty();
	}

	@Test
	void deadLettersUndecodableTransactionsAndGoesOn() throws Exception {
		List<StagedTransaction> staged = new ArrayList<>(LedgerStaging.staged(workload.subList(0, 200)));
		staged.add(broken("unknownDiscriminator111111111111111111111111111111111111111111111111", "AQIDBAUGBwgJCgsM"));
		staged.add(broken("truncatedBody1111111111111111111111111111111111111111111111111111111",
				Base64.getEncoder().encodeToString(couponMintedPrefix())));
		staging.insertIfAbsent(staged);

		JobExecution execution = run(new JobParameters()).execution();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(applyStep(execution).getSkipCount()).isEqualTo(2);
		List<Document> dead = database().getCollection("dead_letters").find().into(new ArrayList<>());
		assertThat(dead).extracting(d -> d.getString("_id")).containsExactlyInAnyOrder(
				"unknownDiscriminator111111111111111111111111111111111111111111111111",
				"truncatedBody1111111111111111111111111111111111111111111111111111111");
		assertThat(dead).allSatisfy(letter -> {
			assertThat(letter.getList("reasons", String.class)).isNotEmpty();
			assertThat(letter.get("input", Document.class).getList("logs", String.class)).isNotEmpty();
			assertThat(letter.getLong("jobExecutionId")).isEqualTo(execution.getId());
		});
		assertThat(dead.get(0).getList("reasons", String.class).toString() + dead.get(1).getList("reasons", String.class))
			.contains("unknown discriminator").contains("data too short");
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "dead")))
			.isEqualTo(2);

		JobExecution requeued = run(new JobParametersBuilder().addString("requeueDeadLetters", "true")
			.toJobParameters()).execution();
		assertThat(applyStep(requeued).getSkipCount()).as("still undecodable after re-queueing").isEqualTo(2);
	}

	@Test
	void failsClearlyPastTheSkipLimit() throws Exception {
		List<StagedTransaction> broken = new ArrayList<>();
		for (int i = 0; i < 1001; i++) {
			broken.add(broken(String.format("broken%062d", i), "AQIDBAUGBwgJCgsM"));
		}
		staging.insertIfAbsent(broken);

		JobExecution execution = run(new JobParameters()).execution();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(execution.getExitStatus().getExitDescription()).contains("Skip limit of 1000 exceeded")
			.contains("requeueDeadLetters=true");
		assertThat(database().getCollection("dead_letters").countDocuments()).isEqualTo(1000);
	}

	@Test
	void neverRollsADocumentBackWhenAnOlderTransactionArrivesLate() throws Exception {
		LedgerTransaction transfer = workload.stream()
			.filter(t -> !t.failed() && simulator.groundTruth().events(t).events().stream()
				.anyMatch(e -> e.name().equals("CouponTransferred")))
			.findFirst().orElseThrow();
		List<LedgerTransaction> withoutIt = workload.stream().filter(t -> t != transfer).toList();
		staging.insertIfAbsent(LedgerStaging.staged(withoutIt));
		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		staging.insertIfAbsent(List.of(LedgerStaging.staged(transfer)));
		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		List<String> differences = GroundTruthComparison.differences(database(),
				simulator.groundTruth().accounts(Commitment.PROCESSED), new ArrayList<>());
		assertThat(differences).isEmpty();
	}

	/**
	 * AuctionFinalized names the auction, not its coupon; the coupon comes from the auction's AuctionCreated. When
	 * that transaction is staged late (a withheld notification the crawler finds later), the finalization waits,
	 * received, instead of failing the job, and is applied once its auction's creation is in the log.
	 */
	@Test
	void waitsForAnEarlierEventStagedLateInsteadOfFailing() throws Exception {
		LedgerTransaction finalization = workload.stream()
			.filter(t -> !t.failed() && simulator.groundTruth().events(t).events().stream()
				.anyMatch(e -> e.name().equals("AuctionFinalized")))
			.findFirst().orElseThrow();
		String auction = simulator.groundTruth().events(finalization).events().stream()
			.filter(e -> e.name().equals("AuctionFinalized")).findFirst().orElseThrow().fields().get("auction")
			.toString();
		LedgerTransaction creation = workload.stream()
			.filter(t -> !t.failed() && simulator.groundTruth().events(t).events().stream()
				.anyMatch(e -> e.name().equals("AuctionCreated") && e.fields().get("auction").toString().equals(auction)))
			.findFirst().orElseThrow();
		staging.insertIfAbsent(LedgerStaging.staged(workload.stream().filter(t -> t != creation).toList()));

		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(staging.find(finalization.signature()).orElseThrow().status()).isEqualTo(StagingStatus.RECEIVED);

		staging.insertIfAbsent(List.of(LedgerStaging.staged(creation)));
		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(staging.find(finalization.signature()).orElseThrow().status()).isEqualTo(StagingStatus.APPLIED);
		assertThat(database().getCollection("staged_transactions").countDocuments(new Document("status", "applied")))
			.isEqualTo(workload.size());
		assertThat(GroundTruthComparison.differences(database(),
				simulator.groundTruth().accounts(Commitment.PROCESSED), new ArrayList<>())).isEmpty();
	}

	@Test
	void appliesFailedTransactionsWithNoEffectAndFlagsTruncatedOnes() throws Exception {
		LedgerTransaction failed = workload.stream().filter(LedgerTransaction::failed).findFirst().orElseThrow();
		StagedTransaction truncated = LedgerStaging.staged(workload.get(10));
		List<String> cut = new ArrayList<>(truncated.logs().subList(0, 4));
		cut.add("Log truncated");
		StagedTransaction truncatedStaged = new StagedTransaction(truncated.signature(), truncated.slot(), null, cut,
				truncated.receivedAt(), truncated.source(), truncated.status(), truncated.commitment(),
				truncated.blockTime(), List.of(), truncated.positionInBlock());
		staging.insertIfAbsent(List.of(LedgerStaging.staged(failed), truncatedStaged));

		assertThat(run(new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		Document failedDocument = database().getCollection("staged_transactions")
			.find(new Document("_id", failed.signature())).first();
		assertThat(failedDocument.getString("status")).isEqualTo("applied");
		assertThat(database().getCollection("chain_events").countDocuments(new Document("signature",
				failed.signature()))).isZero();
		Document truncatedDocument = database().getCollection("staged_transactions")
			.find(new Document("_id", truncated.signature())).first();
		assertThat(truncatedDocument.getString("status")).isEqualTo("applied");
		assertThat(truncatedDocument.getBoolean("needsAccountResync")).isTrue();
	}

	private static StagedTransaction broken(String signature, String data) {
		return new StagedTransaction(signature, 999_999, null, List.of("Program " + simulator.programId()
				+ " invoke [1]", "Program data: " + data, "Program " + simulator.programId() + " success"),
				java.time.Instant.now(), io.couponsync.chain.staging.StagingSource.WEBSOCKET,
				io.couponsync.chain.staging.StagingStatus.RECEIVED,
				io.couponsync.chain.staging.ChainCommitment.CONFIRMED, null, null, null);
	}

	/** CouponMinted's discriminator and half a pubkey: a body cut short. */
	private static byte[] couponMintedPrefix() {
		byte[] discriminator = simulator.workload().program().idl().events().stream()
			.filter(e -> e.name().equals("CouponMinted")).findFirst().orElseThrow().discriminator().bytes();
		return java.util.Arrays.copyOf(discriminator, 24);
	}

	/** Compares two snapshots document by document, naming the first documents and fields that differ. */
	private static void assertSameReadModel(Map<String, Map<String, Document>> actual,
			Map<String, Map<String, Document>> expected) {
		List<String> differences = new ArrayList<>();
		expected.forEach((collection, documents) -> {
			Map<String, Document> other = actual.getOrDefault(collection, Map.of());
			java.util.Set<String> ids = new java.util.TreeSet<>(documents.keySet());
			ids.addAll(other.keySet());
			for (String id : ids) {
				Document want = documents.get(id);
				Document got = other.get(id);
				if (want == null || got == null) {
					differences.add(collection + "/" + id + (want == null ? " is extra" : " is missing"));
					continue;
				}
				java.util.Set<String> fields = new java.util.TreeSet<>(want.keySet());
				fields.addAll(got.keySet());
				for (String field : fields) {
					if (!java.util.Objects.equals(want.get(field), got.get(field))) {
						differences.add(collection + "/" + id + "." + field + ": " + got.get(field) + ", expected "
								+ want.get(field));
					}
				}
			}
		});
		assertThat(differences.stream().limit(20).toList()).as("%d differences", differences.size()).isEmpty();
	}

	/** Every read-model collection and the event log's data, for exact comparison between runs. */
	private Map<String, Map<String, Document>> snapshot() {
		Map<String, Map<String, Document>> snapshot = new TreeMap<>();
		List<String> collections = new ArrayList<>();
		GroundTruthComparison.MAPPINGS.forEach(mapping -> collections.add(mapping.collection()));
		collections.add("stakers");
		for (String collection : collections) {
			Map<String, Document> documents = new TreeMap<>();
			database().getCollection(collection).find().forEach(d -> {
				// why: which journal entry counted into a document last differs from run to run; what it counted not
				d.remove("_journal");
				documents.put(d.getString("_id"), d);
			});
			snapshot.put(collection, documents);
		}
		Map<String, Document> events = new TreeMap<>();
		database().getCollection("chain_events").find().forEach(d -> {
			d.remove("appliedAt");
			events.put(d.getString("_id"), d);
		});
		snapshot.put("chain_events", events);
		Map<String, Document> counted = new TreeMap<>();
		database().getCollection("counted_events").find().forEach(d -> counted.put(d.getString("_id"), d));
		snapshot.put("counted_events", counted);
		return snapshot;
	}

	/** A writer checkpoint that throws once, at a chosen step of a chosen chunk. */
	@TestConfiguration
	static class CrashInjection {

		@Bean
		FailOnce failOnce() {
			return new FailOnce();
		}

		@Bean
		WriterCheckpoint crashingCheckpoint(FailOnce failOnce) {
			return failOnce::reached;
		}

		static final class FailOnce {

			private volatile String step;

			private volatile int chunk;

			private volatile boolean transientFailure;

			private int seen;

			private volatile boolean fired;

			void arm(String step, int chunk) {
				this.step = step;
				this.chunk = chunk;
				this.seen = 0;
				this.fired = false;
				this.transientFailure = false;
			}

			/** Fails once with a network error, as a MongoDB blip would. */
			void armTransient(String step, int chunk) {
				arm(step, chunk);
				this.transientFailure = true;
			}

			void disarm() {
				step = null;
			}

			/** Whether the armed failure was thrown: a test of recovering from it proves nothing otherwise. */
			boolean fired() {
				return fired;
			}

			/** Fails at the first {@code step} of the {@code chunk}-th chunk (chunks counted by their first step). */
			void reached(String reached) {
				if ("events-logged".equals(reached)) {
					seen++;
				}
				if (reached.equals(step) && seen == chunk) {
					step = null;
					fired = true;
					if (transientFailure) {
						throw new com.mongodb.MongoSocketReadException("simulated network blip at " + reached,
								new com.mongodb.ServerAddress());
					}
					throw new IllegalStateException("simulated crash at " + reached);
				}
			}
		}
	}
}
