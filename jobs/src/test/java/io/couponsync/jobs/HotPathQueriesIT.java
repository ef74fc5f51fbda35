package io.couponsync.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.accountstate.DifferenceReport;
import io.couponsync.jobs.applyevents.DeadLetterStore;
import io.couponsync.jobs.applyevents.LedgerStaging;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.platform.mongo.CollectionScans;
import io.couponsync.platform.mongo.MongoStoreConfiguration;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What keeps a chunk's cost independent of history: every query a chunk of applyEventsJob or finalityJob sends
 * names the documents it touches by {@code _id} (an index a real MongoDB and the embedded server both use), and the
 * queries that select by anything else run once per run, not once per chunk. A per-chunk query on another field
 * (a status, a signature, a field of an event) scans history on the embedded server and needs an index on a real
 * one; this test fails on any such query that appears per chunk.
 */
@JobsIntegrationTest
@Import(HotPathQueriesIT.RecordQueries.class)
@TestPropertySource(properties = { "sync.jobs.apply.chunk-size=25",
		"spring.datasource.url=jdbc:h2:mem:hot-path-it;DB_CLOSE_DELAY=-1" })
class HotPathQueriesIT {

	private static final List<String> QUERIES = new CopyOnWriteArrayList<>();

	private static volatile boolean recording;

	/**
	 * The counter journal holds only increments in flight (each entry is deleted once applied), so reading all of it
	 * at the start of every chunk costs nothing that grows with history.
	 */
	private static final String IN_FLIGHT_ONLY = "find counter_journal ";

	/**
	 * Known exception: finality looks up the staged transactions in the slots of each chunk, to read blocks only
	 * for slots holding several. A real MongoDB serves it with staging's {@code slot} index, and so does the
	 * embedded server (its secondary indexes answer a list of values of their leading field).
	 */
	private static final String FINALITY_SLOTS_OF_A_CHUNK =
			"find staged_transactions {$and:[{slot:{$in:[]}}, {status:{$ne}}]}";

	private static SolanaSimulator simulator;

	@DynamicPropertySource
	static void solana(DynamicPropertyRegistry registry) {
		simulator = SimulatorProperties.startManual(registry);
	}

	@Autowired
	private JobRunner runner;

	@Autowired
	private Job applyEventsJob;

	@Autowired
	private Job finalityJob;

	@Autowired
	private Job reconcileJob;

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private DeadLetterStore deadLetters;

	@Autowired
	private DifferenceReport differences;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private MongoStoreConfiguration.EmbeddedMongoServerHolder embedded;

	/**
	 * Lands 50 slots of 20 transactions, finalized, and stages them all, every other one as a notification does,
	 * without its block time; returns how many the ledger holds.
	 */
	private int stageAHistory() {
		for (int slot = 0; slot < 50; slot++) {
			simulator.runWorkload(20);
			simulator.advanceSlots(1);
		}
		simulator.advanceSlots(40);
		List<StagedTransaction> staged = new ArrayList<>();
		for (StagedTransaction transaction : LedgerStaging.staged(simulator.ledger().transactions())) {
			staged.add(staged.size() % 2 == 0 ? transaction : LedgerStaging.withoutBlockTime(transaction));
		}
		staging.insertIfAbsent(staged);
		return simulator.ledger().transactionCount();
	}

	/**
	 * Lands {@code slots} more slots of 20 transactions, finalized or left confirmed, stages them and applies what
	 * staging holds.
	 */
	private void landStageAndApply(int slots, boolean finalize) throws Exception {
		List<LedgerTransaction> before = simulator.ledger().transactions();
		for (int slot = 0; slot < slots; slot++) {
			simulator.runWorkload(20);
			simulator.advanceSlots(1);
		}
		if (finalize) {
			simulator.advanceSlots(40);
		}
		List<LedgerTransaction> recent = new ArrayList<>(simulator.ledger().transactions());
		recent.removeAll(before);
		staging.insertIfAbsent(LedgerStaging.staged(recent));
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void everyPerChunkQueryNamesItsDocumentsById() throws Exception {
		int transactions = stageAHistory();
		assertThat(transactions).isGreaterThan(900);

		recording = true;
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		recording = false;

		assertThat(mongo.getDatabase("coupon_sync").getCollection("staged_transactions")
			.countDocuments(new Document("commitment", "finalized"))).as("the runs did their work")
			.isEqualTo(simulator.ledger().transactions().stream()
				.filter(t -> t.slot() <= simulator.ledger().slot(Commitment.FINALIZED)).count());
		int applyChunks = (transactions + 24) / 25;
		Map<String, Integer> notById = new TreeMap<>();
		for (String query : QUERIES) {
			if (!query.startsWith("by-id ") && !query.startsWith(IN_FLIGHT_ONLY)
					&& !query.equals(FINALITY_SLOTS_OF_A_CHUNK)) {
				notById.merge(query, 1, Integer::sum);
			}
		}
		assertThat(QUERIES.stream().filter(query -> query.startsWith("by-id ")).count())
			.as("the chunks' queries were recorded").isGreaterThan(applyChunks);
		assertThat(notById).as("queries not by _id, with how often they ran (%d apply chunks)", applyChunks)
			.allSatisfy((query, count) -> assertThat(count).as(query).isLessThanOrEqualTo(3));
	}

	/**
	 * What an explain shows on a real MongoDB, asked of the embedded server: over the runs of apply and finality on a
	 * history, no query reads the whole of staging or of the event log (the received transactions to apply, the
	 * confirmed ones to settle, the slots of a chunk are served by indexes), and no other collection is read whole
	 * more than a few times (once per run or step, not per chunk), but the counter journal, which holds only
	 * increments in flight.
	 */
	@Test
	void theRunsSelectionsOfStagingAreServedByAnIndexOnTheEmbeddedServer() throws Exception {
		int transactions = stageAHistory();
		CollectionScans scans = embedded.server().scans();
		scans.clear();

		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		int applyChunks = (transactions + 24) / 25;
		Map<String, Long> scanned = scans.counts();
		assertThat(scanned.keySet()).as("scans of staging or of the event log: %s", scanned)
			.noneMatch(shape -> shape.startsWith("staged_transactions ") || shape.startsWith("chain_events "));
		assertThat(scanned).as("no scan per chunk (%d apply chunks)", applyChunks)
			.allSatisfy((shape, count) -> assertThat(count).as(shape)
				.isLessThanOrEqualTo(shape.startsWith(IN_FLIGHT_ONLY.substring("find ".length())) ? applyChunks : 3));
	}

	/**
	 * The incremental reconciliation, every few seconds on the read-model lease, selects the documents changed since
	 * its last run by {@code lastSlot} ranges: served by each collection's {@code last_slot} index, so a run reads
	 * what changed, not the read model's history.
	 */
	@Test
	void theIncrementalReconciliationSelectsWhatChangedByIndex() throws Exception {
		stageAHistory();
		assertThat(runner.run(applyEventsJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		JobParameters incremental = new JobParametersBuilder().addString("mode", "incremental").toJobParameters();
		assertThat(runner.run(reconcileJob, incremental).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		landStageAndApply(3, true);
		CollectionScans scans = embedded.server().scans();
		scans.clear();

		assertThat(runner.run(reconcileJob, incremental).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(scans.counts().keySet()).as("collections read whole by the incremental run")
			.noneMatch(shape -> shape.contains("lastSlot"));
	}

	/**
	 * A counter holding events past an account read is compared at the read: what the events since the read added
	 * comes from the event log by its {@code slot} index, not from a scan of the log's history.
	 */
	@Test
	void countersAheadOfTheReadAreComparedFromTheLogBySlot() throws Exception {
		stageAHistory();
		landStageAndApply(2, false);
		CollectionScans scans = embedded.server().scans();
		scans.clear();

		JobExecution run = runner.run(reconcileJob,
				new JobParametersBuilder().addString("mode", "full").toJobParameters());

		assertThat(run.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(run.getStepExecutions().stream().flatMap(step -> step.getExecutionContext().entrySet().stream())
			.filter(entry -> entry.getKey().endsWith(".countersAhead"))
			.mapToLong(entry -> ((Number) entry.getValue()).longValue()).sum())
			.as("counters compared at the read").isPositive();
		assertThat(scans.counts().keySet()).as("collections read whole by the run")
			.noneMatch(shape -> shape.startsWith("chain_events "));
	}

	/**
	 * The counts and newest slots the console and the gauges ask for at each refresh. The driver's countDocuments is
	 * an aggregation, which the embedded server answers by reading the whole collection; counted as queries, indexes
	 * serve them. The newest slots are sorted queries with a limit, read in the {@code slot} index's order.
	 */
	@Test
	void theCountsTheConsoleAndTheGaugesAskForAreServedByIndexes() throws Exception {
		stageAHistory();
		assertThat(runner.run(finalityJob, new JobParameters()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		List<LedgerTransaction> settled = simulator.ledger().transactions();
		for (int slot = 0; slot < 3; slot++) {
			simulator.runWorkload(20);
			simulator.advanceSlots(1);
		}
		List<LedgerTransaction> recent = new ArrayList<>(simulator.ledger().transactions());
		recent.removeAll(settled);
		staging.insertIfAbsent(LedgerStaging.staged(recent));
		MongoDatabase database = mongo.getDatabase("coupon_sync");
		database.getCollection("dead_letters").insertMany(List.of(new Document("_id", "a").append("status", "dead"),
				new Document("_id", "b").append("status", "requeued"),
				new Document("_id", "c").append("status", "requeued")));
		for (long execution : new long[] { 7, 7, 8, 8, 8, 9, 9 }) {
			database.getCollection("reconcile_differences").insertOne(new Document("jobExecutionId", execution)
				.append("collection", "coupons").append("kind", "field").append("readModel", null));
		}
		// why: the class's tests share the database, so whether any transaction is applied here depends on their order
		Long anyAppliedSlot = null;
		for (Document applied : database.getCollection("staged_transactions").find(new Document("status", "applied"))) {
			long slot = applied.get("slot", Number.class).longValue();
			anyAppliedSlot = anyAppliedSlot == null ? slot : Math.max(anyAppliedSlot, slot);
		}
		CollectionScans scans = embedded.server().scans();
		scans.clear();
		StagingRepository.Unsettled unsettled;
		long dead;
		long differencesOf7;
		Map<String, Long> differencesOf7ByKind;
		Long newestStaged;
		Long newestApplied;
		Long newestFinalized;
		Map<String, Long> scanned;
		try {
			unsettled = staging.unsettled();
			dead = deadLetters.count();
			differencesOf7 = differences.count(7);
			differencesOf7ByKind = differences.countByKind(7);
			newestStaged = staging.newestSlot(null);
			newestApplied = staging.newestSlot(StagingStatus.APPLIED);
			newestFinalized = staging.newestFinalizedSlot();
			scanned = scans.counts();
		}
		finally {
			// why: made-up letters and differences, and the other tests share the database
			database.getCollection("dead_letters").deleteMany(new Document());
			database.getCollection("reconcile_differences").deleteMany(new Document());
		}

		assertThat(unsettled.count()).as("the transactions staged after the finality run").isEqualTo(recent.size())
			.isPositive();
		assertThat(dead).isEqualTo(1);
		assertThat(differencesOf7).isEqualTo(2);
		assertThat(differencesOf7ByKind).containsExactly(Map.entry("field-lacking", 2L));
		assertThat(newestStaged).isEqualTo(recent.stream().mapToLong(LedgerTransaction::slot).max().orElseThrow());
		assertThat(newestApplied).as("the newest applied slot, by a whole read").isEqualTo(anyAppliedSlot);
		assertThat(newestFinalized).isEqualTo(settled.stream().mapToLong(LedgerTransaction::slot).max().orElseThrow());
		assertThat(scanned).as("collections read whole").isEmpty();
	}

	/** "by-id" when the filter names documents by _id (a value or $in, alone or in a top-level $and). */
	static String describe(String command, String collection, BsonDocument filter) {
		return (namesIds(filter) ? "by-id " : "") + command + " " + collection + " " + shape(filter);
	}

	/** The filter's field names and operators, without its values. */
	private static String shape(BsonValue filter) {
		if (filter.isDocument()) {
			List<String> terms = new ArrayList<>();
			filter.asDocument().forEach((key, value) -> terms.add(key + (value.isDocument() || value.isArray()
					&& key.startsWith("$") ? ":" + shape(value) : "")));
			return "{" + String.join(", ", terms) + "}";
		}
		if (filter.isArray()) {
			return filter.asArray().stream().map(HotPathQueriesIT::shape).distinct().toList().toString();
		}
		return "";
	}

	private static boolean namesIds(BsonDocument filter) {
		BsonValue id = filter.get("_id");
		if (id != null) {
			return !id.isDocument() || id.asDocument().keySet().equals(java.util.Set.of("$in"));
		}
		BsonValue and = filter.get("$and");
		return and != null && and.isArray()
				&& and.asArray().stream().anyMatch(term -> term.isDocument() && namesIds(term.asDocument()));
	}

	@TestConfiguration
	static class RecordQueries {

		@Bean
		MongoClientSettingsBuilderCustomizer recordQueries() {
			return settings -> settings.addCommandListener(new CommandListener() {
				@Override
				public void commandStarted(CommandStartedEvent event) {
					if (recording) {
						record(event.getCommandName(), event.getCommand());
					}
				}
			});
		}

		private static void record(String name, BsonDocument command) {
			String collection = command.isString(name) ? command.getString(name).getValue() : "";
			List<BsonDocument> filters = new ArrayList<>();
			switch (name) {
				case "find", "count", "distinct" -> filters.add(command.getDocument(name.equals("find") ? "filter"
						: "query", new BsonDocument()));
				case "update", "delete" -> command.getArray(name.equals("update") ? "updates" : "deletes")
					.forEach(statement -> filters.add(statement.asDocument().getDocument("q")));
				case "findAndModify" -> filters.add(command.getDocument("query", new BsonDocument()));
				case "aggregate" -> command.getArray("pipeline").stream()
					.filter(stage -> stage.asDocument().containsKey("$match"))
					.forEach(stage -> filters.add(stage.asDocument().getDocument("$match")));
				default -> {
				}
			}
			filters.forEach(filter -> QUERIES.add(describe(name, collection, filter)));
		}
	}
}
