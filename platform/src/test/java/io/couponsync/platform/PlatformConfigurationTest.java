package io.couponsync.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.util.unit.DataSize;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.platform.config.InvalidConfigurationException;
import io.couponsync.platform.config.InvalidConfigurationFailureAnalyzerAccess;
import io.couponsync.platform.config.MongoStoreProperties;
import io.couponsync.platform.config.SolanaProperties;
import io.couponsync.platform.mongo.EmbeddedMongoServer;
import io.couponsync.platform.mongo.MongoStoreConfiguration;

/** The shared configuration as the applications get it: bound, validated, and connected over the MongoDB wire. */
class PlatformConfigurationTest {

	private static final String IDL = Path.of("..", "config", "idl", "discount_platform.json").toString();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, PlatformAutoConfiguration.class,
				MongoAutoConfiguration.class, DataMongoAutoConfiguration.class))
		.withPropertyValues("sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3", "sync.program.idl=" + IDL,
				"sync.solana.rpc-url=http://127.0.0.1:8899", "sync.solana.ws-url=ws://127.0.0.1:8900",
				"sync.mongodb.embedded.port=0", "sync.mongodb.embedded.file=");

	@Test
	void startsTheEmbeddedMongoServerAndTalksToItOverTheWire() {
		runner.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ProgramDecoder.class).events()).hasSize(27);
			MongoClient client = context.getBean(MongoClient.class);
			client.getDatabase("coupon_sync").getCollection("probe").insertOne(new Document("_id", "x"));
			assertThat(client.getDatabase("coupon_sync").getCollection("probe").countDocuments()).isEqualTo(1);
			assertThat(context.getBean(MongoStagingRepository.class).count()).isZero();
			assertThat(context.getBean("mongoHealthIndicator", HealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.UP);
		});
	}

	@Test
	void keepsEmbeddedDataAcrossARestart(@TempDir Path dir) {
		String file = "sync.mongodb.embedded.file=" + dir.resolve("mongo.mv");
		runner.withPropertyValues(file).run(context -> context.getBean(MongoClient.class)
			.getDatabase("coupon_sync").getCollection("kept").insertOne(new Document("_id", "survives")));
		runner.withPropertyValues(file).run(context -> assertThat(context.getBean(MongoClient.class)
			.getDatabase("coupon_sync").getCollection("kept").find().first()).containsEntry("_id", "survives"));
		runner.withPropertyValues(file, "sync.mongodb.embedded.file-cache=1MB").run(context -> assertThat(context
			.getBean(MongoClient.class).getDatabase("coupon_sync").getCollection("kept").countDocuments()).isOne());
	}

	@Test
	void refusesAnEmbeddedFileCacheOutOfBounds() {
		runner.run(context -> assertThat(context.getBean(MongoStoreProperties.class).embedded().fileCache())
			.isEqualTo(DataSize.ofMegabytes(128)));
		runner.withPropertyValues("sync.mongodb.embedded.file-cache=100KB").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sync.mongodb.embedded.fileCache")
				.hasMessageContaining("must be between 1MB and 64GB");
		});
	}

	@Test
	void usesTheEmbeddedServerAnotherProcessRunsWhenToldToReuseIt() {
		try (EmbeddedMongoServer running = new EmbeddedMongoServer("127.0.0.1", 0, null)) {
			try (MongoClient client = MongoClients.create(running.connectionString("coupon_sync"))) {
				client.getDatabase("coupon_sync").getCollection("probe").insertOne(new Document("_id", "theirs"));
			}
			String port = "sync.mongodb.embedded.port=" + running.port();

			runner.withPropertyValues(port, "sync.mongodb.embedded.reuse-running=true").run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MongoStoreConfiguration.EmbeddedMongoServerHolder.class).attached()).isTrue();
				assertThat(context.getBean(MongoClient.class).getDatabase("coupon_sync").getCollection("probe").find()
					.first()).containsEntry("_id", "theirs");
			});
			runner.withPropertyValues(port).run(context -> {
				assertThat(context).hasFailed();
				assertThat(findCause(context.getStartupFailure()).problem())
					.contains("the embedded MongoDB server cannot start")
					.contains("a MongoDB server already runs there: is the application running already?");
			});
		}
	}

	@Test
	void bindsTheEmbeddedServerToLoopbackOnly() {
		for (String host : List.of("0.0.0.0", "192.0.2.10")) {
			runner.withPropertyValues("sync.mongodb.embedded.host=" + host).run(context -> {
				assertThat(context).as(host).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sync.mongodb.embedded")
					.hasMessageContaining("host must be a loopback address");
			});
		}
		runner.withPropertyValues("sync.mongodb.embedded.host=localhost")
			.run(context -> assertThat(context).hasNotFailed());
	}

	@Test
	void refusesAMalformedProgramIdNamingTheProperty() {
		runner.withPropertyValues("sync.program.id=not-a-key").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sync.program.id")
				.hasMessageContaining("is not a Solana address");
		});
	}

	@Test
	void refusesUrlsOfTheWrongScheme() {
		runner.withPropertyValues("sync.solana.ws-url=http://127.0.0.1:8900").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sync.solana.wsUrl")
				.hasMessageContaining("[ws, wss]");
		});
	}

	@Test
	void capsRpcResponseBodiesAt64MiBUnlessToldOtherwiseWithinBounds() {
		runner.run(context -> assertThat(context.getBean(SolanaProperties.class).maxResponseSize())
			.isEqualTo(DataSize.ofMegabytes(64)));
		runner.withPropertyValues("sync.solana.max-response-size=100B").run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sync.solana.maxResponseSize")
				.hasMessageContaining("must be between 1KB and 1GB");
		});
	}

	@Test
	void refusesATimeoutThatWouldFailEveryCallOrNeverEnd() {
		for (String timeout : new String[] { "0s", "-1s", "2h" }) {
			runner.withPropertyValues("sync.solana.timeout=" + timeout).run(context -> {
				assertThat(context).as(timeout).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sync.solana.timeout")
					.hasMessageContaining("must be between 100ms and 10m");
			});
		}
	}

	@Test
	void refusesAnUnreadableOrInvalidIdlWithOneClearMessage(@TempDir Path dir) throws Exception {
		java.nio.file.Files.writeString(dir.resolve("bad.json"), "{\"types\": [{\"name\": \"A\"}]}");
		runner.withPropertyValues("sync.program.idl=" + dir.resolve("bad.json")).run(context -> {
			assertThat(context).hasFailed();
			InvalidConfigurationException failure = findCause(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("sync.program.idl");
			assertThat(failure.problem()).contains("types[0].type: missing or not an object");
			FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzerAccess().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).startsWith("Invalid configuration: property 'sync.program.idl'");
		});
		runner.withPropertyValues("sync.program.idl=" + dir.resolve("missing.json")).run(context -> assertThat(
				findCause(context.getStartupFailure()).problem()).contains("does not exist or cannot be read"));
	}

	@Test
	void refusesAMalformedMongoUri() {
		runner.withPropertyValues("sync.mongodb.uri=http://user:secret@host").run(context -> {
			assertThat(context).hasFailed();
			InvalidConfigurationException failure = findCause(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("sync.mongodb.uri");
			assertThat(failure.value()).doesNotContain("secret");
		});
	}

	private static InvalidConfigurationException findCause(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("an InvalidConfigurationException in " + failure).isNotNull();
		return (InvalidConfigurationException) cause;
	}
}
