package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.transaction.PlatformTransactionManager;

import com.jayway.jsonpath.JsonPath;
import com.mongodb.client.MongoClient;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.batch.Lease;
import io.couponsync.jobs.batch.LeaseStore;
import io.couponsync.simulator.SolanaSimulator;

/**
 * Every console action and its authorisation, over MockMvc against the whole application (real H2 job repository,
 * embedded MongoDB-wire server, the RPC simulator): nothing but health answers without a login, a viewer reads but
 * cannot act, forms need their CSRF token, and each action does what it says in the job repository and staging.
 * One job of the test's own ({@link UntilStoppedJob}) runs until stopped, so that a stop meets a running execution.
 */
@SpringBootTest(classes = JobsApplication.class, properties = { "spring.config.additional-location=file:../config/",
		"sync.listener.enabled=false", "sync.jobs.lease.turn-wait=2s" })
@AutoConfigureMockMvc
@Import(ConsoleIT.UntilStoppedJob.class)
class ConsoleIT {

	private static final SolanaSimulator simulator = ConsoleScenario.simulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ConsoleScenario.register(registry, simulator, "console-it");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.close();
	}

	@Autowired
	private MockMvc mvc;

	@AfterEach
	void letLaunchesEnd() {
		ConsoleScenario.awaitLaunchesOver(context);
	}

	@Autowired
	private ApplicationContext context;

	@Autowired
	private JobRepository repository;

	@Autowired
	private MongoClient mongo;

	@Autowired
	private LeaseStore leases;

	/** The execution an action's JSON answer names. */
	private static long executionIdOf(String answer) {
		return JsonPath.<Number>read(answer, "$.executionId").longValue();
	}

	private static RequestPostProcessor operator() {
		return httpBasic(ConsoleScenario.ADMIN, ConsoleScenario.ADMIN_PASSWORD);
	}

	private static RequestPostProcessor viewer() {
		return httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD);
	}

	/** A logged-in page session (the pages take form login, not basic credentials). */
	private static RequestPostProcessor viewerSession() {
		return user(ConsoleScenario.VIEWER).roles("VIEWER");
	}

	private static RequestPostProcessor operatorSession() {
		return user(ConsoleScenario.ADMIN).roles("OPERATOR", "VIEWER");
	}

	@Test
	void nothingButHealthAnswersWithoutALogin() throws Exception {
		for (String path : new String[] { "/api/jobs", "/api/executions", "/api/pipeline", "/api/dead-letters",
				"/v3/api-docs", "/v3/api-docs.yaml", "/actuator/prometheus", "/actuator/metrics", "/actuator/info" }) {
			assertThat(mvc.perform(get(path)).andReturn().getResponse().getStatus()).as(path).isEqualTo(401);
		}
		for (String page : new String[] { "/", "/executions", "/executions/1", "/dead-letters", "/pipeline" }) {
			mvc.perform(get(page).accept(MediaType.TEXT_HTML)).andExpect(status().isFound())
				.andExpect(redirectedUrl("/login"));
		}
		mvc.perform(post("/api/executions/1/restart")).andExpect(status().isUnauthorized());
		mvc.perform(post("/executions/1/restart").with(csrf())).andExpect(status().isFound())
			.andExpect(redirectedUrl("/login"));
		mvc.perform(get("/actuator/health")).andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"))
			.andExpect(jsonPath("$.components").doesNotExist());
		mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
		mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
		mvc.perform(get("/api/jobs").with(httpBasic(ConsoleScenario.ADMIN, "wrong"))).andExpect(status().isUnauthorized());
	}

	@Test
	void theApiGivesABrowserNothingAForgedCrossSiteRequestCouldUse() throws Exception {
		mvc.perform(get("/api/jobs")).andExpect(status().isUnauthorized())
			.andExpect(header().doesNotExist("WWW-Authenticate"));
		for (String site : new String[] { "cross-site", "same-site" }) {
			mvc.perform(post("/api/executions/1/abandon").with(operator()).header("Sec-Fetch-Site", site))
				.andExpect(status().isForbidden());
		}
		mvc.perform(get("/api/jobs").with(viewer()).header("Sec-Fetch-Site", "cross-site")).andExpect(status().isOk());
		assertThat(mvc.perform(post("/api/executions/1/abandon").with(operator()).header("Sec-Fetch-Site", "none"))
			.andReturn().getResponse().getStatus()).as("a tool's or a typed request is let through").isNotEqualTo(403);
	}

	@Test
	void operatorsSeeHealthDetailsAndEveryoneLoggedInScrapesMetrics() throws Exception {
		mvc.perform(get("/actuator/health/readiness").with(operator())).andExpect(status().isOk())
			.andExpect(jsonPath("$.components.mongo.status").value("UP"))
			.andExpect(jsonPath("$.components.db.status").value("UP"));
		mvc.perform(get("/actuator/health").with(operator()))
			.andExpect(jsonPath("$.components.rpc.details.confirmedSlot").isNumber());
		mvc.perform(get("/actuator/health").with(viewer())).andExpect(jsonPath("$.components").doesNotExist());
		mvc.perform(get("/actuator/prometheus").with(viewer())).andExpect(status().isOk())
			.andExpect(content().string(containsString("sync_pipeline_lag_slots")));
		mvc.perform(get("/actuator/metrics").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$.names", hasItem("sync.job.last.failed")));
	}

	@Test
	void aViewerReadsEverythingButCannotAct() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		String deadLetter = ConsoleScenario.deadLetter(context, simulator, "viewer-" + UUID.randomUUID());
		for (String path : new String[] { "/api/jobs", "/api/executions", "/api/executions/" + failed.getId(),
				"/api/pipeline", "/api/dead-letters", "/api/dead-letters/" + deadLetter, "/v3/api-docs" }) {
			mvc.perform(get(path).with(viewer())).andExpect(status().isOk());
		}
		mvc.perform(post("/api/executions/{id}/restart", failed.getId()).with(viewer()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/api/executions/{id}/abandon", failed.getId()).with(viewer()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/api/executions/{id}/stop", failed.getId()).with(viewer())).andExpect(status().isForbidden());
		mvc.perform(post("/api/jobs/backfillJob/launch").with(viewer()).contentType(MediaType.APPLICATION_JSON)
			.content("{}")).andExpect(status().isForbidden());
		mvc.perform(post("/api/dead-letters/requeue").with(viewer()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"all\":true}")).andExpect(status().isForbidden());
		mvc.perform(get("/executions/{id}", failed.getId()).with(viewerSession())).andExpect(status().isOk())
			.andExpect(content().string(not(containsString("id=\"restart\""))));
		for (String form : new String[] { "/executions/" + failed.getId() + "/restart",
				"/executions/" + failed.getId() + "/stop", "/executions/" + failed.getId() + "/abandon",
				"/jobs/backfillJob/launch", "/dead-letters/requeue", "/dead-letters/requeue-all" }) {
			mvc.perform(post(form).with(viewerSession()).with(csrf()).param("signature", deadLetter))
				.andExpect(status().isForbidden());
		}
		assertThat(repository.getJobExecution(failed.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(staged(deadLetter).getString("status")).isEqualTo("dead");
	}

	@Test
	void formsNeedTheirCsrfTokenWhileTheStatelessApiTakesBasicCredentials() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		mvc.perform(post("/executions/{id}/abandon", failed.getId()).with(operatorSession()))
			.andExpect(status().isForbidden());
		mvc.perform(post("/dead-letters/requeue-all").with(operatorSession())).andExpect(status().isForbidden());
		mvc.perform(post("/executions/{id}/abandon", failed.getId()).with(operatorSession()).with(csrf().useInvalidToken()))
			.andExpect(status().isForbidden());
		assertThat(repository.getJobExecution(failed.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);

		// a real form login: its session reaches the pages, but the API ignores sessions, so a forged request riding
		// the browser's cookie is not authorised there either
		MockHttpSession session = (MockHttpSession) mvc
			.perform(formLogin().user(ConsoleScenario.ADMIN).password(ConsoleScenario.ADMIN_PASSWORD))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/")).andReturn().getRequest().getSession();
		mvc.perform(get("/").session(session)).andExpect(status().isOk());
		mvc.perform(post("/executions/{id}/abandon", failed.getId()).session(session)).andExpect(status().isForbidden());
		mvc.perform(get("/api/jobs").session(session)).andExpect(status().isUnauthorized());
		mvc.perform(post("/api/executions/{id}/abandon", failed.getId()).session(session))
			.andExpect(status().isUnauthorized());
		mvc.perform(formLogin().user(ConsoleScenario.ADMIN).password("wrong")).andExpect(redirectedUrl("/login?error"));
	}

	@Test
	void anOperatorFindsWhyAnExecutionFailedAndRestartsItToCompletion() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		mvc.perform(get("/api/executions").param("job", "backfillJob").param("status", "FAILED").with(operator()))
			.andExpect(status().isOk()).andExpect(jsonPath("$[0].id").value(failed.getId()))
			.andExpect(jsonPath("$[0].restartable").value(true));
		mvc.perform(get("/api/executions/{id}", failed.getId()).with(operator())).andExpect(status().isOk())
			.andExpect(jsonPath("$.reason", containsString("429")))
			.andExpect(jsonPath("$.steps[0].rollbackCount").isNumber())
			.andExpect(jsonPath("$.steps[0].status").value("FAILED"));
		mvc.perform(get("/executions/{id}", failed.getId()).with(operatorSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString("HTTP 429")))
			.andExpect(content().string(containsString("id=\"restart\"")));

		String answer = mvc.perform(post("/api/executions/{id}/restart", failed.getId()).with(operator()))
			.andExpect(status().isAccepted()).andExpect(jsonPath("$.message", containsString("Restart")))
			.andExpect(jsonPath("$.executionId").isNumber()).andReturn().getResponse().getContentAsString();

		JobInstance instance = failed.getJobInstance();
		long restartedAs = executionIdOf(answer);
		assertThat(restartedAs).as("the answer names the new execution of the same instance")
			.isGreaterThan(failed.getId());
		assertThat(repository.getJobExecution(restartedAs).getJobInstance().getInstanceId())
			.isEqualTo(instance.getInstanceId());
		await().atMost(Duration.ofSeconds(60)).until(() -> repository.getLastJobExecution(instance).getStatus(),
				BatchStatus.COMPLETED::equals);
		assertThat(repository.getJobExecutions(instance)).hasSize(2);
		mvc.perform(post("/api/executions/{id}/restart", failed.getId()).with(operator()))
			.andExpect(status().isConflict()).andExpect(jsonPath("$.detail", containsString("last execution")));
	}

	@Test
	void aRestartFromTheFormAnswersWithTheJobsExecutionsAndWhatItDid() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		mvc.perform(post("/executions/{id}/restart", failed.getId()).with(user(ConsoleScenario.ADMIN)
			.roles("OPERATOR", "VIEWER")).with(csrf()))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/executions?job=backfillJob"))
			.andExpect(flash().attribute("result", containsString("Restart of backfillJob execution " + failed.getId())));
		await().atMost(Duration.ofSeconds(60)).until(
				() -> repository.getLastJobExecution(failed.getJobInstance()).getStatus(), BatchStatus.COMPLETED::equals);
	}

	@Test
	void stopAndAbandonGoThroughTheJobOperator() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		mvc.perform(post("/api/executions/{id}/stop", failed.getId()).with(operator())).andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail", containsString("cannot be stopped")));
		// as another process's execution is while it heads for its next chunk boundary (the repository's update
		// would keep the stronger FAILED, hence SQL)
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		jdbc.update("update batch_job_execution set status = 'STOPPING' where job_execution_id = ?", failed.getId());
		mvc.perform(post("/api/executions/{id}/abandon", failed.getId()).with(operator()))
			.andExpect(status().isConflict()).andExpect(jsonPath("$.detail", containsString(
					"is STOPPING: only a FAILED or STOPPED execution can be abandoned (stop it and wait until it is STOPPED)")));
		jdbc.update("update batch_job_execution set status = 'FAILED' where job_execution_id = ?", failed.getId());
		// a launch of the job elsewhere, which may be restarting it: the abandon waits its turn, then refuses
		long now = Instant.now().toEpochMilli();
		jdbc.update("insert into job_lease (lease_name, owner, token, job_name, acquired_at, heartbeat_at, expires_at) "
				+ "values (?, 'other-host:7:x', 'their-token', 'backfillJob', ?, ?, ?)", JobLeases.leaseOf("backfillJob"),
				now, now, now + 600_000);
		try {
			mvc.perform(post("/api/executions/{id}/abandon", failed.getId()).with(operator()))
				.andExpect(status().isConflict()).andExpect(jsonPath("$.detail",
						containsString("not abandoned: backfillJob (other-host:7:x) held backfillJob's lease")));
			assertThat(repository.getJobExecution(failed.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
		}
		finally {
			jdbc.update("delete from job_lease where owner = 'other-host:7:x'");
		}
		mvc.perform(post("/api/executions/{id}/abandon", failed.getId()).with(operator())).andExpect(status().isOk());
		assertThat(repository.getJobExecution(failed.getId()).getStatus()).isEqualTo(BatchStatus.ABANDONED);
		mvc.perform(post("/api/executions/{id}/restart", failed.getId()).with(operator()))
			.andExpect(status().isConflict());
		mvc.perform(post("/api/executions/{id}/stop", 999_999).with(operator())).andExpect(status().isNotFound());
	}

	@Test
	void launchesTakeValidatedParameters() throws Exception {
		mvc.perform(post("/api/jobs/noSuchJob/launch").with(operator()).contentType(MediaType.APPLICATION_JSON)
			.content("{}")).andExpect(status().isNotFound());
		mvc.perform(post("/api/jobs/orphanCleanupJob/launch").with(operator()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"parameters\":{\"1bad name\":\"x\"}}")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("not a parameter name")));
		mvc.perform(post("/api/jobs/orphanCleanupJob/launch").with(operator()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"parameters\":{\"run.id\":\"1\"}}")).andExpect(status().isBadRequest());
		mvc.perform(post("/jobs/orphanCleanupJob/launch").with(user(ConsoleScenario.ADMIN).roles("OPERATOR", "VIEWER"))
			.with(csrf()).param("parameters", "no equals sign")).andExpect(status().isFound())
			.andExpect(flash().attribute("error", containsString("is not name=value")));

		mvc.perform(post("/api/jobs/orphanCleanupJob/launch").with(operator()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"parameters\":{\"note\":\"x\"}}")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("note")));

		Lease held = leases.tryAcquire(JobLeases.leaseOf("orphanCleanupJob"), "orphanCleanupJob").orElseThrow();
		try {
			mvc.perform(post("/api/jobs/orphanCleanupJob/launch").with(operator())
				.contentType(MediaType.APPLICATION_JSON).content("{\"parameters\":{\"retentionDays\":\"45\"}}"))
				.andExpect(status().isConflict()).andExpect(jsonPath("$.detail", containsString("lease")));
		}
		finally {
			leases.release(held);
		}

		long before = repository.findJobInstancesByJobName("orphanCleanupJob", 0, 100).size();
		String answer = mvc.perform(post("/api/jobs/orphanCleanupJob/launch").with(operator())
			.contentType(MediaType.APPLICATION_JSON).content("{\"parameters\":{\"retentionDays\":\"45\"}}"))
			.andExpect(status().isAccepted()).andExpect(jsonPath("$.executionId").isNumber())
			.andReturn().getResponse().getContentAsString();
		long named = executionIdOf(answer);
		assertThat(repository.getJobExecution(named).getJobParameters().getLong("retentionDays"))
			.as("the answer names the execution it started").isEqualTo(45L);
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			JobInstance last = repository.getLastJobInstance("orphanCleanupJob");
			return last != null && repository.findJobInstancesByJobName("orphanCleanupJob", 0, 100).size() > before
					&& repository.getLastJobExecution(last).getStatus() == BatchStatus.COMPLETED;
		});
		JobExecution launched = repository.getLastJobExecution(repository.getLastJobInstance("orphanCleanupJob"));
		assertThat(launched.getJobParameters().getLong("retentionDays")).isEqualTo(45L);
	}

	@Test
	void deadLettersAreBrowsedInspectedAndRequeuedOneOrMany() throws Exception {
		String first = ConsoleScenario.deadLetter(context, simulator, "dead-" + UUID.randomUUID());
		String second = ConsoleScenario.deadLetter(context, simulator, "dead-" + UUID.randomUUID());
		String third = ConsoleScenario.deadLetter(context, simulator, "dead-" + UUID.randomUUID());
		mvc.perform(get("/api/dead-letters").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$[*].signature", hasItem(first)));
		mvc.perform(get("/api/dead-letters/{signature}", first).with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$.reasons[0]", containsString("discriminator")))
			.andExpect(jsonPath("$.input", containsString("AQIDBAUGBwg=")));
		mvc.perform(get("/dead-letters/{signature}", first).with(viewerSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString("AQIDBAUGBwg=")));

		mvc.perform(post("/api/dead-letters/requeue").with(operator()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"signatures\":[\"" + first + "\"]}")).andExpect(status().isOk())
			.andExpect(jsonPath("$.message", containsString("1 of 1")));
		assertThat(staged(first).getString("status")).isEqualTo("received");
		assertThat(staged(second).getString("status")).isEqualTo("dead");

		mvc.perform(post("/dead-letters/requeue").with(user(ConsoleScenario.ADMIN).roles("OPERATOR", "VIEWER"))
			.with(csrf()).param("signature", second, third)).andExpect(status().isFound())
			.andExpect(flash().attribute("result", containsString("2 of 2")));
		assertThat(staged(second).getString("status")).isEqualTo("received");
		assertThat(staged(third).getString("status")).isEqualTo("received");
		assertThat(mongo.getDatabase("coupon_sync").getCollection("dead_letters")
			.find(new Document("_id", third)).first().getString("status")).isEqualTo("requeued");
	}

	@Test
	void thePagesAndThePipelineShowTheJobsAndTheirFigures() throws Exception {
		ConsoleScenario.deadLetter(context, simulator, "pipeline-" + UUID.randomUUID());
		mvc.perform(get("/api/pipeline").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$.tipSlot").isNumber()).andExpect(jsonPath("$.stagedSlot").isNumber())
			.andExpect(jsonPath("$.tipMinusStaged").isNumber())
			.andExpect(jsonPath("$.deadLetters").isNumber()).andExpect(jsonPath("$.listenerConnected").doesNotExist());
		mvc.perform(get("/api/dead-letters").param("status", "buried").with(viewer()))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("unknown dead-letter status 'buried'")));
		mvc.perform(get("/dead-letters").param("status", "buried").with(viewerSession()))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("unknown dead-letter status")));
		mvc.perform(get("/api/dead-letters").param("status", "all").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$[*].signature").isNotEmpty());
		mvc.perform(get("/api/jobs").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$[*].name", hasItem("applyEventsJob")));
		mvc.perform(get("/").with(viewerSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString("applyEventsJob")))
			.andExpect(content().string(containsString("Lag staged − applied")));
		mvc.perform(get("/executions").param("job", "applyEventsJob").param("status", "COMPLETED")
			.with(viewerSession()))
			.andExpect(status().isOk()).andExpect(content().string(containsString("applyEventsJob")));
		mvc.perform(get("/v3/api-docs.yaml").with(viewer())).andExpect(status().isOk())
			.andExpect(content().string(containsString("/api/executions/{id}/restart")));
		mvc.perform(get("/v3/api-docs").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$.paths['/api/executions/{id}/restart'].post").exists())
			.andExpect(jsonPath("$.paths['/api/dead-letters/requeue'].post").exists());
	}

	@Test
	void anOperatorStopsARunningExecutionFromItsPage() throws Exception {
		String answer = mvc.perform(post("/api/jobs/{name}/launch", UntilStoppedJob.NAME).with(operator())
			.contentType(MediaType.APPLICATION_JSON).content("{}")).andExpect(status().isAccepted())
			.andReturn().getResponse().getContentAsString();
		long running = executionIdOf(answer);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> repository.getJobExecution(running).getStatus(), BatchStatus.STARTED::equals);
		mvc.perform(get("/executions/{id}", running).with(operatorSession()))
			.andExpect(content().string(containsString("id=\"stop\"")));

		mvc.perform(post("/executions/{id}/stop", running).with(operatorSession()).with(csrf()))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/executions/" + running))
			.andExpect(flash().attribute("result", containsString("Stop of execution " + running + " requested")));

		assertThat(repository.getJobExecution(running).getStatus()).as("stopping at once, or already stopped")
			.isIn(BatchStatus.STOPPING, BatchStatus.STOPPED);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> repository.getJobExecution(running).getStatus(), BatchStatus.STOPPED::equals);
		JobExecution stopped = repository.getJobExecution(running);
		assertThat(stopped.getExitStatus().getExitCode()).isEqualTo("STOPPED");
		assertThat(stopped.getStepExecutions()).singleElement()
			.satisfies(step -> assertThat(step.getStatus()).isEqualTo(BatchStatus.STOPPED));
		mvc.perform(get("/api/executions/{id}", running).with(viewer())).andExpect(jsonPath("$.summary.restartable")
			.value(true));
	}

	@Test
	void anOperatorLaunchesAJobFromTheForm() throws Exception {
		long instancesBefore = repository.findJobInstancesByJobName("orphanCleanupJob", 0, 1000).size();
		String message = (String) mvc.perform(post("/jobs/orphanCleanupJob/launch").with(operatorSession()).with(csrf())
			.param("parameters", "retentionDays=45\n")).andExpect(status().isFound())
			.andExpect(redirectedUrl("/executions?job=orphanCleanupJob"))
			.andExpect(flash().attribute("result", containsString("Launch of orphanCleanupJob")))
			.andReturn().getFlashMap().get("result");
		long launched = Long.parseLong(message.replaceAll(".*execution (\\d+).*", "$1"));

		await().atMost(Duration.ofSeconds(60))
			.until(() -> repository.getJobExecution(launched).getStatus(), BatchStatus.COMPLETED::equals);
		JobExecution execution = repository.getJobExecution(launched);
		assertThat(execution.getJobInstance().getJobName()).isEqualTo("orphanCleanupJob");
		assertThat(execution.getJobParameters().getLong("retentionDays")).isEqualTo(45L);
		assertThat(repository.findJobInstancesByJobName("orphanCleanupJob", 0, 1000)).hasSize((int) instancesBefore + 1);
	}

	@Test
	void aLaunchWithParametersAfterAFailureStartsANewInstanceWithThem() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);

		String answer = mvc.perform(post("/api/jobs/backfillJob/launch").with(operator())
			.contentType(MediaType.APPLICATION_JSON).content("{\"parameters\":{\"fromSlot\":\"0\"}}"))
			.andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();

		long launched = executionIdOf(answer);
		JobExecution execution = repository.getJobExecution(launched);
		assertThat(execution.getJobInstance().getInstanceId()).as("a new instance, not a restart of the failed one")
			.isNotEqualTo(failed.getJobInstance().getInstanceId());
		assertThat(execution.getJobParameters().getLong("fromSlot")).isEqualTo(0L);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> repository.getJobExecution(launched).getStatus(), BatchStatus.COMPLETED::equals);
		assertThat(repository.getJobExecutions(failed.getJobInstance())).as("the failed instance was left alone")
			.singleElement().satisfies(only -> assertThat(only.getStatus()).isEqualTo(BatchStatus.FAILED));
	}

	@Test
	void aLaunchWithoutParametersAfterAFailureRestartsItAsTheScheduleDoes() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);

		String answer = mvc.perform(post("/api/jobs/backfillJob/launch").with(operator())
			.contentType(MediaType.APPLICATION_JSON).content("{}")).andExpect(status().isAccepted())
			.andReturn().getResponse().getContentAsString();

		long launched = executionIdOf(answer);
		assertThat(repository.getJobExecution(launched).getJobInstance().getInstanceId())
			.isEqualTo(failed.getJobInstance().getInstanceId());
		await().atMost(Duration.ofSeconds(60))
			.until(() -> repository.getJobExecution(launched).getStatus(), BatchStatus.COMPLETED::equals);
	}

	/** The apply job moves to dead and writes the letter in two steps: a re-queue waits for its run to end. */
	@Test
	void aRequeueWaitsItsTurnOnTheReadModelLeaseAndIsRefusedWhileAJobKeepsIt() throws Exception {
		String signature = ConsoleScenario.deadLetter(context, simulator, "turn-" + UUID.randomUUID());
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		heldElsewhere(jdbc, "applyEventsJob");
		CompletableFuture<Void> requeue = CompletableFuture.runAsync(() -> {
			try {
				mvc.perform(post("/api/dead-letters/requeue").with(operator()).contentType(MediaType.APPLICATION_JSON)
					.content("{\"signatures\":[\"" + signature + "\"]}")).andExpect(status().isOk());
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		// why: refused at once, or not waiting at all, the request would end within this half second (turn-wait is
		// 2 s, which leaves it time to take the lease once it is deleted below)
		await().during(Duration.ofMillis(500)).atMost(Duration.ofMillis(1500)).until(() -> !requeue.isDone());
		assertThat(staged(signature).getString("status")).as("untouched while the apply run holds the lease")
			.isEqualTo("dead");

		jdbc.update("delete from job_lease where owner = 'other-host:7:x'");
		requeue.get(10, TimeUnit.SECONDS);
		assertThat(staged(signature).getString("status")).isEqualTo("received");
		assertThat(leases.find(JobLeases.READ_MODEL)).as("released").isEmpty();

		String another = ConsoleScenario.deadLetter(context, simulator, "turn-" + UUID.randomUUID());
		heldElsewhere(jdbc, "reconcileJob");
		try {
			mvc.perform(post("/api/dead-letters/requeue").with(operator()).contentType(MediaType.APPLICATION_JSON)
				.content("{\"all\":true}")).andExpect(status().isConflict())
				.andExpect(jsonPath("$.detail", containsString("reconcileJob (other-host:7:x) held the read-model lease")));
			assertThat(staged(another).getString("status")).isEqualTo("dead");
		}
		finally {
			jdbc.update("delete from job_lease where owner = 'other-host:7:x'");
		}
	}

	/** The read-model lease as another process's launch of {@code job} holds it, live for ten minutes. */
	private static void heldElsewhere(JdbcTemplate jdbc, String job) {
		long now = Instant.now().toEpochMilli();
		jdbc.update("insert into job_lease (lease_name, owner, token, job_name, acquired_at, heartbeat_at, expires_at) "
				+ "values (?, 'other-host:7:x', 'their-token', ?, ?, ?, ?)", JobLeases.READ_MODEL, job, now, now,
				now + 600_000);
	}

	@Test
	void anOperatorRequeuesEveryDeadLetterFromThePageOrTheApi() throws Exception {
		String first = ConsoleScenario.deadLetter(context, simulator, "all-" + UUID.randomUUID());
		String second = ConsoleScenario.deadLetter(context, simulator, "all-" + UUID.randomUUID());

		mvc.perform(post("/dead-letters/requeue-all").with(operatorSession()).with(csrf()))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/dead-letters"))
			.andExpect(flash().attribute("result", containsString("dead letters re-queued")));
		for (String signature : List.of(first, second)) {
			assertThat(staged(signature).getString("status")).isEqualTo("received");
			assertThat(deadLetter(signature).getString("status")).isEqualTo("requeued");
		}
		mvc.perform(get("/api/dead-letters").with(viewer())).andExpect(jsonPath("$[*].signature", not(hasItem(first))));

		String third = ConsoleScenario.deadLetter(context, simulator, "all-" + UUID.randomUUID());
		mvc.perform(post("/api/dead-letters/requeue").with(operator()).contentType(MediaType.APPLICATION_JSON)
			.content("{\"all\":true}")).andExpect(status().isOk())
			.andExpect(jsonPath("$.message", containsString("dead letters re-queued")));
		assertThat(staged(third).getString("status")).isEqualTo("received");
		assertThat(deadLetter(third).getString("status")).isEqualTo("requeued");
	}

	@Test
	void aBadStatusOrDayInTheFilterIsRefusedWithWhatIsAccepted() throws Exception {
		mvc.perform(get("/api/executions").param("status", "DONE").with(viewer())).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("'DONE' is not a status")))
			.andExpect(jsonPath("$.detail", containsString("COMPLETED")));
		mvc.perform(get("/api/executions").param("from", "2025-02-30").with(viewer()))
			.andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail", containsString("is not a date")));
		mvc.perform(get("/executions").param("status", "DONE").with(viewerSession()))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("&#39;DONE&#39; is not a status")))
			.andExpect(content().string(containsString("class=\"filters\"")));
		mvc.perform(get("/executions").param("from", "2025-06-02").param("to", "2025-06-01").with(viewerSession()))
			.andExpect(status().isBadRequest()).andExpect(content().string(containsString("is before from")));
	}

	@Test
	void theExecutionsListPagesThroughTheWholeHistory() throws Exception {
		String job = "pagedHistoryJob";
		List<Long> created = new ArrayList<>();
		for (int i = 0; i <= ConsolePageController.PAGE_SIZE; i++) {
			JobParameters parameters = new JobParametersBuilder().addLong("run.id", (long) i).toJobParameters();
			JobExecution execution = repository.createJobExecution(repository.createJobInstance(job, parameters),
					parameters, new ExecutionContext());
			execution.setStatus(BatchStatus.COMPLETED);
			repository.update(execution);
			created.add(execution.getId());
		}
		long oldest = created.get(0);
		long newest = created.get(created.size() - 1);

		mvc.perform(get("/executions").param("job", job).with(viewerSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString("id=\"execution-" + newest + "\"")))
			.andExpect(content().string(not(containsString("id=\"execution-" + oldest + "\""))))
			.andExpect(content().string(containsString("id=\"older\"")))
			.andExpect(content().string(not(containsString("id=\"newer\""))));
		mvc.perform(get("/executions").param("job", job).param("page", "1").with(viewerSession()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("id=\"execution-" + oldest + "\"")))
			.andExpect(content().string(containsString("id=\"newer\"")))
			.andExpect(content().string(not(containsString("id=\"older\""))));
		mvc.perform(get("/api/executions").param("job", job).param("limit", "2").param("page", "1").with(viewer()))
			.andExpect(status().isOk()).andExpect(jsonPath("$[0].id").value(created.get(created.size() - 3)))
			.andExpect(jsonPath("$[1].id").value(created.get(created.size() - 4)));
	}

	/** A job that runs until it is stopped: one short tasklet iteration, each its own transaction, after another. */
	@TestConfiguration(proxyBeanMethods = false)
	static class UntilStoppedJob {

		static final String NAME = "untilStoppedJob";

		@Bean
		Job untilStoppedJob(JobRepository jobRepository, PlatformTransactionManager transactionManager,
				InFlightExecutions inFlightExecutions) {
			Step step = new StepBuilder("untilStoppedStep", jobRepository).tasklet((contribution, chunk) -> {
				Thread.sleep(50);
				return RepeatStatus.CONTINUABLE;
			}, transactionManager).build();
			return new JobBuilder(NAME, jobRepository).listener(inFlightExecutions).start(step).build();
		}
	}

	private Document deadLetter(String signature) {
		return mongo.getDatabase("coupon_sync").getCollection("dead_letters").find(new Document("_id", signature))
			.first();
	}

	private Document staged(String signature) {
		return mongo.getDatabase("coupon_sync").getCollection("staged_transactions")
			.find(new Document("_id", signature)).first();
	}
}
