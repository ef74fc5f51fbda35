package io.couponsync.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.couponsync.chain.logs.InnerInstruction;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingSource;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.GroundTruth;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.MarketplaceWorkload;

/**
 * Events per second from staging to the read model by applyEventsJob on the embedded MongoDB, with the MongoDB
 * round trips per chunk counted by a driver command listener, next to the raw bulk-upsert rate of the same server.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.couponsync.benchmarks.ApplyThroughput [transactions] [h2|memory] [chunk] [warm-up transactions]
 * </pre>
 *
 * The measured run comes after a warm-up run (20,000 transactions by default, 0 for none) on a separate simulator,
 * context and embedded server in the same JVM, so that it measures compiled code, as in the long-running platform.
 */
public final class ApplyThroughput {

	static final AtomicLong COMMANDS = new AtomicLong();

	/** Documents inserted, updated or deleted, by collection: one per statement of a write command. */
	static final Map<String, LongAdder> DOCUMENT_WRITES_BY_COLLECTION = new ConcurrentHashMap<>();

	/** Server time per command shape (command, collection, filter keys), to show which queries cost. */
	static final Map<String, LongAdder[]> TIME_BY_SHAPE = new ConcurrentHashMap<>();

	static final Map<Integer, String> SHAPE_BY_REQUEST = new ConcurrentHashMap<>();

	private ApplyThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
		String backend = args.length > 1 ? args[1] : "memory";
		int chunk = args.length > 2 ? Integer.parseInt(args[2]) : 200;
		int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
		if (warmUp > 0) {
			// why: the platform applies every second in a long-running process, so its code is compiled; a cold JVM
			// spends a compiler thread's core on it for the first tens of thousands of events (measured: the C2
			// thread at two thirds of a core through a 30k run), and the raw rate below is measured warm too
			System.out.printf("warm-up: %,d transactions on a separate simulator and server...%n", warmUp);
			Run cold = apply(warmUp, backend, chunk, false);
			System.out.printf("  warm-up (cold JVM): %,d events in %.2f s = %,.0f events per second%n", cold.events(),
					cold.seconds(), cold.events() / cold.seconds());
		}
		apply(total, backend, chunk, true);
	}

	/** What one run applied and how long it took. */
	private record Run(long events, double seconds) {
	}

	/** Generates {@code total} transactions, stages them on a fresh embedded server and applies them. */
	private static Run apply(int total, String backend, int chunk, boolean report) throws Exception {
		try (ScratchDirectory data = new ScratchDirectory("apply-bench")) {
			return apply(total, backend, chunk, report, data.path());
		}
	}

	private static Run apply(int total, String backend, int chunk, boolean report, Path data) throws Exception {
		List<StagedTransaction> staged;
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()).withWorkload(MarketplaceWorkload.Options.plain()))) {
			if (report) {
				System.out.printf("generating %,d transactions...%n", total);
			}
			for (int done = 0; done < total; done += 20) {
				simulator.runWorkload(Math.min(20, total - done));
				simulator.advanceSlots(1);
			}
			staged = simulator.ledger().transactions().stream().map(ApplyThroughput::staged).toList();
		}
		try (ConfigurableApplicationContext jobs = new SpringApplicationBuilder(JobsApplication.class,
				CountingCommands.class).web(WebApplicationType.NONE).run(
						"--sync.program.idl=config/idl/discount_platform.json", "--sync.listener.enabled=false",
						"--sync.jobs.schedule.enabled=false",
						"--sync.jobs.apply.chunk-size=" + chunk,
						"--sync.mongodb.uri=", "--sync.mongodb.embedded.port=0",
						"--sync.mongodb.embedded.file=" + ("h2".equals(backend) ? data.resolve("mongo.mv") : ""),
						"--spring.datasource.url=jdbc:h2:mem:bench-" + report + ";DB_CLOSE_DELAY=-1",
						"--logging.level.root=WARN")) {
			stage(jobs.getBean(MongoStagingRepository.class), staged);
			staged = null; // why: a million transactions with their logs, held twice (here and in the in-memory server)
			TIME_BY_SHAPE.clear();
			long commandsBefore = COMMANDS.get();
			DOCUMENT_WRITES_BY_COLLECTION.clear();
			long start = System.nanoTime();
			JobExecution execution = jobs.getBean(JobRunner.class).run(jobs.getBean("applyEventsJob", Job.class), new JobParameters());
			double seconds = (System.nanoTime() - start) / 1e9;
			long commands = COMMANDS.get() - commandsBefore;
			long documentWrites = DOCUMENT_WRITES_BY_COLLECTION.values().stream().mapToLong(LongAdder::sum).sum();
			Map<String, LongAdder[]> duringTheRun = snapshotOfShapes();
			StepExecution step = execution.getStepExecutions().stream()
				.filter(s -> s.getStepName().equals("applyEventsStep")).findFirst().orElseThrow();
			MongoClient client = jobs.getBean(MongoClient.class);
			long events = client.getDatabase("coupon_sync").getCollection("chain_events").countDocuments();
			// why: the count above is not part of the run
			TIME_BY_SHAPE.clear();
			TIME_BY_SHAPE.putAll(duringTheRun);
			if (!report) {
				return new Run(events, seconds);
			}
			long chunks = step.getCommitCount();
			System.out.printf("backend %s, chunk %d: %s, %,d transactions (%,d events) applied in %.2f s%n", backend,
					chunk, execution.getStatus(), step.getWriteCount(), events, seconds);
			System.out.printf("  = %,.0f events per second, %,.0f transactions per second%n", events / seconds,
					step.getWriteCount() / seconds);
			System.out.printf("  MongoDB round trips: %,d in %,d chunks = %.1f per chunk (%.2f per event)%n", commands,
					chunks, (double) commands / chunks, (double) commands / events);
			System.out.printf("  document writes (inserts, updates, deletes): %,d = %.1f per event, %,.0f per second%n",
					documentWrites, (double) documentWrites / events, documentWrites / seconds);
			printWritesByCollection(events);
			printCeiling(seconds);
			printCostliestShapes(seconds);
			rawBulkRate(client.getDatabase("coupon_sync"), (int) events, events / seconds, documentWrites / seconds);
			return new Run(events, seconds);
		}
	}

	private static Map<String, LongAdder[]> snapshotOfShapes() {
		Map<String, LongAdder[]> snapshot = new ConcurrentHashMap<>();
		TIME_BY_SHAPE.forEach((shape, totals) -> {
			LongAdder nanos = new LongAdder();
			nanos.add(totals[0].sum());
			LongAdder count = new LongAdder();
			count.add(totals[1].sum());
			snapshot.put(shape, new LongAdder[] { nanos, count });
		});
		return snapshot;
	}

	/** Stages the transactions in slices, so the server's copies are not all encoded into one request at once. */
	private static void stage(MongoStagingRepository staging, List<StagedTransaction> transactions) {
		for (int from = 0; from < transactions.size(); from += 10_000) {
			staging.insertIfAbsent(transactions.subList(from, Math.min(transactions.size(), from + 10_000)));
		}
	}

	/** What the store alone takes bounds the job: with no work on the job's side it could go only this fast. */
	private static void printCeiling(double seconds) {
		double inCommands = TIME_BY_SHAPE.values().stream().mapToLong(totals -> totals[0].sum()).sum() / 1e9;
		System.out.printf("  waiting on MongoDB commands: %.2f s of %.2f s (%.0f %%): the job's ceiling on this server "
				+ "is %.1f× its rate%n", inCommands, seconds, 100 * inCommands / seconds, seconds / inCommands);
	}

	private static void printWritesByCollection(long events) {
		StringBuilder line = new StringBuilder("    per event:");
		DOCUMENT_WRITES_BY_COLLECTION.entrySet().stream()
			.sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
			.forEach(entry -> line.append(String.format(" %s %.2f,", entry.getKey(),
					(double) entry.getValue().sum() / events)));
		System.out.println(line.substring(0, line.length() - 1));
	}

	static void printCostliestShapes(double seconds) {
		System.out.println("  costliest command shapes (server time, share of the run, count):");
		TIME_BY_SHAPE.entrySet().stream()
			.sorted((a, b) -> Long.compare(b.getValue()[0].sum(), a.getValue()[0].sum())).limit(30)
			.forEach(entry -> System.out.printf("    %7.2f s %5.1f %% %,7d  %s%n", entry.getValue()[0].sum() / 1e9,
					100 * entry.getValue()[0].sum() / 1e9 / seconds, entry.getValue()[1].sum(), entry.getKey()));
	}

	/**
	 * The same server's rate for plain bulk upserts of documents of a read-model document's size, as many as the run
	 * applied events, 1,000 per bulk: one warm-up pass, then the best of three passes into fresh collections (the
	 * rate right after the job varies by a factor of several with the collector's and the compiler's state).
	 */
	private static void rawBulkRate(MongoDatabase database, int count, double applyRate, double writeRate) {
		rawPass(database.getCollection("bench_raw_warmup"), Math.min(count, 20_000));
		double best = 0;
		for (int pass = 0; pass < 3; pass++) {
			best = Math.max(best, rawPass(database.getCollection("bench_raw_" + pass), count));
		}
		System.out.printf("  raw bulk upserts on the same server: best of 3 passes of %,d = %,.0f per second; "
				+ "the job applied %.1f %% of that in events, and wrote %.0f %% of it in documents%n", count, best,
				100 * applyRate / best, 100 * writeRate / best);
	}

	private static double rawPass(MongoCollection<Document> collection, int count) {
		long start = System.nanoTime();
		UpdateOptions upsert = new UpdateOptions().upsert(true);
		for (int done = 0; done < count; done += 1_000) {
			List<WriteModel<Document>> writes = new ArrayList<>();
			for (int i = done; i < Math.min(count, done + 1_000); i++) {
				writes.add(new UpdateOneModel<>(new Document("_id", "doc-" + i), new Document("$set",
						new Document("owner", "9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3").append("price", (long) i)
							.append("isActive", true).append("slot", (long) i)), upsert));
			}
			collection.bulkWrite(writes);
		}
		double rate = count / ((System.nanoTime() - start) / 1e9);
		collection.drop();
		return rate;
	}

	private static StagedTransaction staged(LedgerTransaction transaction) {
		List<InnerInstruction> inner = GroundTruth.innerInstructions(transaction);
		return new StagedTransaction(transaction.signature(), transaction.slot(), null, transaction.draft().logs(),
				java.time.Instant.now(), StagingSource.BACKFILL, StagingStatus.RECEIVED, ChainCommitment.CONFIRMED,
				transaction.blockTime(), inner, transaction.indexInBlock());
	}

	private static void record(int requestId, long nanos) {
		String shape = SHAPE_BY_REQUEST.remove(requestId);
		if (shape != null) {
			LongAdder[] totals = TIME_BY_SHAPE.computeIfAbsent(shape, key -> new LongAdder[] { new LongAdder(),
					new LongAdder() });
			totals[0].add(nanos);
			totals[1].increment();
		}
	}

	/** The documents a write command inserts, updates or deletes (a multi-document update counts once). */
	private static void countWrites(String name, BsonDocument command) {
		String payload = switch (name) {
			case "insert" -> "documents";
			case "update" -> "updates";
			case "delete" -> "deletes";
			default -> null;
		};
		if (payload != null && command.isArray(payload)) {
			DOCUMENT_WRITES_BY_COLLECTION.computeIfAbsent(command.getString(name).getValue(), key -> new LongAdder())
				.add(command.getArray(payload).size());
		}
	}

	/** A command's name, collection and the keys of its filter (of its first statement for bulk writes). */
	private static String shape(String name, BsonDocument command) {
		BsonValue collection = command.get(name);
		BsonDocument filter = null;
		if (command.isDocument("filter")) {
			filter = command.getDocument("filter");
		}
		else if (command.isArray("updates") && !command.getArray("updates").isEmpty()) {
			filter = command.getArray("updates").get(0).asDocument().getDocument("q", null);
		}
		else if (command.isArray("deletes") && !command.getArray("deletes").isEmpty()) {
			filter = command.getArray("deletes").get(0).asDocument().getDocument("q", null);
		}
		String sort = command.isDocument("sort") ? " sort " + command.getDocument("sort").keySet() : "";
		return name + " " + (collection != null && collection.isString() ? collection.asString().getValue() : "")
				+ (filter == null ? "" : " " + keys(filter)) + sort;
	}

	private static String keys(BsonDocument filter) {
		StringBuilder keys = new StringBuilder("{");
		filter.forEach((key, value) -> keys.append(keys.length() > 1 ? ", " : "").append(key)
				.append(value.isDocument() ? ":" + value.asDocument().keySet() : ""));
		return keys.append('}').toString();
	}

	/** Counts every command the MongoDB driver sends: one per round trip. */
	static class CountingCommands {

		@Bean
		MongoClientSettingsBuilderCustomizer countCommands() {
			return settings -> settings.addCommandListener(new CommandListener() {
				@Override
				public void commandStarted(CommandStartedEvent event) {
					COMMANDS.incrementAndGet();
					countWrites(event.getCommandName(), event.getCommand());
					SHAPE_BY_REQUEST.put(event.getRequestId(), shape(event.getCommandName(), event.getCommand()));
				}

				@Override
				public void commandSucceeded(CommandSucceededEvent event) {
					record(event.getRequestId(), event.getElapsedTime(java.util.concurrent.TimeUnit.NANOSECONDS));
				}

				@Override
				public void commandFailed(CommandFailedEvent event) {
					record(event.getRequestId(), event.getElapsedTime(java.util.concurrent.TimeUnit.NANOSECONDS));
				}
			});
		}
	}
}
