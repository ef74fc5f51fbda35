package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.accountstate.DifferenceReport;
import io.couponsync.jobs.accountstate.DifferenceReport.Difference;
import io.couponsync.jobs.accountstate.DifferenceReport.Kind;
import io.couponsync.jobs.reconcile.ReconcileJobConfiguration;
import io.couponsync.jobs.SettableClock;
import io.couponsync.simulator.SolanaSimulator;

/**
 * The pipeline view when the listener and the finality job run in other processes (a listener Deployment, jobs as
 * CronJobs), as in Kubernetes: this application hosts no listener and runs no job, yet the view shows the
 * listener's connection from its heartbeat and the unresolved transactions, by age, from staging — over the
 * embedded MongoDB-wire server the other processes would write to.
 */
@SpringBootTest(classes = JobsApplication.class, properties = { "spring.config.additional-location=file:../config/",
		"sync.listener.enabled=false" })
@AutoConfigureMockMvc
@Import(SettableClock.Configuration.class)
class PipelineStatusIT {

	private static final SolanaSimulator simulator = ConsoleScenario.simulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ConsoleScenario.register(registry, simulator, "pipeline-status-it");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.close();
	}

	@Autowired
	private MockMvc mvc;

	@Autowired
	private SettableClock clock;

	@Autowired
	private JobRepository jobRepository;

	@Autowired
	private DifferenceReport differenceReport;

	@Autowired
	private PipelineStatus pipeline;

	@Autowired
	private CoverageRepository coverage;

	@Autowired
	private StagingRepository staging;

	@Autowired
	private MongoClient mongo;

	@BeforeEach
	void clean() {
		mongo.getDatabase("coupon_sync").drop();
	}

	private static StagedTransaction received(String signature, Instant receivedAt) {
		return StagedTransaction.fromWebSocket(signature, 10, null, List.of("Program x invoke [1]"), receivedAt);
	}

	@Test
	void showsAListenerOfAnotherProcessFromItsHeartbeat() throws Exception {
		assertThat(pipeline.measure().listenerConnected()).as("no listener has reported").isNull();
		Instant since = Instant.now().minusSeconds(300).truncatedTo(ChronoUnit.MILLIS);
		Instant notified = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
		// what a listener in another process records every heartbeat interval
		coverage.listener("k8s-listener").beat(since, notified, Duration.ofHours(1));
		// and one that stopped reporting: its last report, valid for 30 s, is 31 s old
		coverage.listener("old-listener").beat(since.minusSeconds(3600), null, Duration.ofSeconds(30));
		clock.set(Instant.now().plusSeconds(31));

		PipelineFigures connected = pipeline.measure();

		assertThat(connected.listenerConnected()).isTrue();
		assertThat(connected.listenerConnectedSince()).isEqualTo(since);
		assertThat(connected.lastNotificationAt()).isEqualTo(notified);
		mvc.perform(get("/api/pipeline").with(httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD)))
			.andExpect(status().isOk()).andExpect(jsonPath("$.listenerConnected").value(true))
			.andExpect(jsonPath("$.listenerConnectedSince").value(containsString(since.toString().substring(0, 19))));
		mvc.perform(get("/pipeline").with(user(ConsoleScenario.VIEWER).roles("VIEWER")))
			.andExpect(status().isOk()).andExpect(content().string(containsString("connected since " + since)));

		// the listener reports it lost its connection
		coverage.listener("k8s-listener").beat(null, notified, Duration.ofHours(1));
		assertThat(pipeline.measure().listenerConnected()).isFalse();
		assertThat(pipeline.measure().lastNotificationAt()).as("the report is live").isEqualTo(notified);
		assertThat(pipeline.measure().listenerConnectedSince()).isNull();

		// the listener's process dies: its last report (connected) expires
		coverage.listener("k8s-listener").beat(since, notified, Duration.ofSeconds(30));
		clock.set(Instant.now().plusSeconds(30).plusMillis(1));
		PipelineFigures gone = pipeline.measure();
		assertThat(gone.listenerConnected()).as("a report not renewed does not count").isFalse();
		assertThat(gone.lastNotificationAt()).isNull();
		mvc.perform(get("/pipeline").with(user(ConsoleScenario.VIEWER).roles("VIEWER")))
			.andExpect(status().isOk()).andExpect(content().string(containsString("DISCONNECTED")));
	}

	@Test
	void showsTheLastReconciliationsDifferencesByKindWithFieldsTheReadModelLackedApart() throws Exception {
		JobParameters parameters = new JobParametersBuilder().addString("mode", "incremental")
			.addLong("run.id", System.nanoTime()).toJobParameters();
		JobExecution execution = jobRepository.createJobExecution(
				jobRepository.createJobInstance(ReconcileJobConfiguration.JOB_NAME, parameters), parameters,
				new ExecutionContext());
		BsonValue none = null;
		differenceReport.record(List.of(
				new Difference(Kind.FIELD, "ExternalDeal", "external_deals", "a", "title", none, new BsonString("t"), 9),
				new Difference(Kind.FIELD, "ExternalDeal", "external_deals", "b", "title", none, new BsonString("u"), 9),
				new Difference(Kind.FIELD, "Listing", "listings", "c", "price", new BsonInt64(1), new BsonInt64(5), 9),
				new Difference(Kind.UNEVENTED_FIELD, "UserStats", "user_stats", "u", "lastActivity", new BsonInt64(1),
						new BsonInt64(2), 9),
				new Difference(Kind.COUNTER, "Marketplace", "marketplace", "m", "totalCoupons", new BsonInt64(8),
						new BsonInt64(7), 9),
				new Difference(Kind.MISSING_DOCUMENT, "Coupon", "coupons", "d", null, null, new BsonDocument(), 9)),
				execution.getId(), false);

		PipelineFigures figures = pipeline.measure();

		assertThat(figures.reconcileExecutionId()).isEqualTo(execution.getId());
		assertThat(figures.reconcileDifferences()).isEqualTo(6);
		assertThat(figures.reconcileDifferencesByKind()).containsExactly(Map.entry("field-lacking", 2L),
				Map.entry("field", 1L), Map.entry("unevented-field", 1L), Map.entry("counter", 1L),
				Map.entry("missing-document", 1L));
		mvc.perform(get("/api/pipeline").with(httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD)))
			.andExpect(status().isOk()).andExpect(jsonPath("$.reconcileDifferences").value(6))
			.andExpect(jsonPath("$.reconcileDifferencesByKind['field-lacking']").value(2));
		mvc.perform(get("/pipeline").with(user(ConsoleScenario.VIEWER).roles("VIEWER")))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("(field-lacking 2, field 1, unevented-field 1, counter 1, "
					+ "missing-document 1)")));
	}

	@Test
	void countsUnresolvedTransactionsByAgeFromStaging() throws Exception {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		clock.set(now);
		staging.insertIfAbsent(List.of(received("two-hours", now.minus(2, ChronoUnit.HOURS)),
				received("twenty-minutes", now.minus(20, ChronoUnit.MINUTES)),
				received("five-minutes", now.minus(5, ChronoUnit.MINUTES)), received("now", now),
				received("finalized", now.minus(3, ChronoUnit.HOURS)),
				received("dropped", now.minus(3, ChronoUnit.HOURS))));
		staging.markFinalized(List.of("finalized"));
		staging.drop(List.of("dropped"));

		PipelineFigures figures = pipeline.measure();

		assertThat(figures.unresolved()).as("confirmed, not finalized, not dropped").isEqualTo(4);
		assertThat(figures.oldestUnresolvedSeconds()).isEqualTo(7200);
		assertThat(figures.unresolvedOlderThan()).containsEntry("1m", 3L).containsEntry("10m", 2L)
			.containsEntry("1h", 1L);
		mvc.perform(get("/api/pipeline").with(httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD)))
			.andExpect(status().isOk()).andExpect(jsonPath("$.unresolved").value(4))
			.andExpect(jsonPath("$.unresolvedOlderThan['10m']").value(2));
		mvc.perform(get("/pipeline").with(user(ConsoleScenario.VIEWER).roles("VIEWER")))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("older than 1 min 3, 10 min 2, 1 h 1")));
	}
}
