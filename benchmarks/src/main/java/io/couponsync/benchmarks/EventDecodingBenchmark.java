package io.couponsync.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.logs.EventLogParser;
import io.couponsync.chain.logs.EventLogVisitor;
import io.couponsync.chain.value.BsonValueWriter;
import io.couponsync.chain.value.JsonValueWriter;
import io.couponsync.chain.value.TreeValueBuilder;
import io.couponsync.chain.value.ValueSink;

/**
 * Transactions of the coupon marketplace per second through the event-log parser, into each sink: JSON text (the
 * decode command), value trees and BSON documents (the apply job). Each transaction carries 1.25 events on average.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EventDecoding -p idl=config/idl/discount_platform.json}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventDecodingBenchmark {

	private static final int TRANSACTIONS = 1024;

	@Param("config/idl/discount_platform.json")
	public String idl;

	private final List<List<String>> logs = new ArrayList<>();

	private EventLogParser parser;

	private final StringBuilder json = new StringBuilder(1 << 16);

	private final JsonValueWriter jsonWriter = new JsonValueWriter(json);

	private final TreeValueBuilder tree = new TreeValueBuilder();

	private final BsonValueWriter bson = new BsonValueWriter();

	@Setup
	public void setUp() {
		MarketplaceTransactions transactions = new MarketplaceTransactions(Path.of(idl), 7);
		for (int i = 0; i < TRANSACTIONS; i++) {
			logs.add(transactions.nextLogs());
		}
		parser = new EventLogParser(ProgramDecoder.compile(transactions.idl()), MarketplaceTransactions.PROGRAM_ID);
	}

	@Benchmark
	@org.openjdk.jmh.annotations.OperationsPerInvocation(TRANSACTIONS)
	public void toJson(Blackhole blackhole) {
		json.setLength(0);
		run(blackhole, () -> {
			jsonWriter.reset();
			return jsonWriter;
		}, () -> json.length());
	}

	@Benchmark
	@org.openjdk.jmh.annotations.OperationsPerInvocation(TRANSACTIONS)
	public void toTree(Blackhole blackhole) {
		run(blackhole, () -> {
			tree.reset();
			return tree;
		}, tree::result);
	}

	@Benchmark
	@org.openjdk.jmh.annotations.OperationsPerInvocation(TRANSACTIONS)
	public void toBson(Blackhole blackhole) {
		run(blackhole, () -> {
			bson.start();
			return bson;
		}, bson::document);
	}

	private void run(Blackhole blackhole, java.util.function.Supplier<ValueSink> sinks,
			java.util.function.Supplier<Object> result) {
		EventLogVisitor visitor = new EventLogVisitor() {
			@Override
			public ValueSink beginEvent(int line, String eventName, String instruction) {
				return sinks.get();
			}

			@Override
			public void endEvent(int line, String eventName) {
				blackhole.consume(result.get());
			}

			@Override
			public void eventFailed(int line, DecodeException error) {
				throw new IllegalStateException(error.getMessage());
			}
		};
		for (List<String> transaction : logs) {
			blackhole.consume(parser.parse(transaction, visitor));
		}
	}
}
