package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.Trigger;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import com.jayway.jsonpath.JsonPath;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.Lease;
import io.couponsync.jobs.batch.LeaseStore;
import io.couponsync.jobs.retention.FailureAcknowledgements;
import io.couponsync.jobs.scheduling.QuartzSchedules;
import io.couponsync.jobs.scheduling.ScheduleProperties;
import io.couponsync.simulator.SolanaSimulator;

/**
 * The console's schedules, jobs' owners, recovery and acknowledgements over MockMvc against the whole application
 * (real H2 job repository with the Quartz JDBC store, embedded MongoDB-wire server, the RPC simulator). The scheduler
 * is left in standby (schedules disabled) and the triggers configured here are stored as a scheduling node stores
 * them, so nothing fires on its own and every state seen is one an action made.
 */
@SpringBootTest(classes = JobsApplication.class, properties = { "spring.config.additional-location=file:../config/",
		"sync.listener.enabled=false", "sync.jobs.schedule.enabled=false",
		"sync.jobs.schedule.triggers.reconcileJob-full.job=reconcileJob",
		"sync.jobs.schedule.triggers.reconcileJob-full.cron=0 0 */6 * * ?",
		"sync.jobs.schedule.triggers.reconcileJob-full.parameters.mode=full",
		"sync.jobs.schedule.triggers.applyEventsJob.interval=1s",
		"sync.jobs.schedule.triggers.finalityJob.interval=5s",
		"sync.jobs.schedule.triggers.orphanCleanupJob.owner=cronjob",
		"sync.jobs.schedule.triggers.orphanCleanupJob.cron=0 15 * * * ?" })
@AutoConfigureMockMvc
class ConsoleOperationsIT {

	private static final SolanaSimulator simulator = ConsoleScenario.simulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ConsoleScenario.register(registry, simulator, "console-operations-it");
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
	private Scheduler scheduler;

	@Autowired
	private FailureAcknowledgements acknowledgements;

	@Autowired
	private LeaseStore leases;

	@Autowired
	private JdbcTemplate jdbc;

	@BeforeEach
	void storeTheConfiguredTriggers() throws Exception {
		new QuartzSchedules(scheduler, context.getBean(ScheduleProperties.class),
				context.getBean(JobRunner.class).jobNames()).register();
		assertThat(scheduler.isStarted()).isFalse();
	}

	private static RequestPostProcessor operator() {
		return httpBasic(ConsoleScenario.ADMIN, ConsoleScenario.ADMIN_PASSWORD);
	}

	private static RequestPostProcessor viewer() {
		return httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD);
	}

	private static RequestPostProcessor operatorSession() {
		return user(ConsoleScenario.ADMIN).roles("OPERATOR", "VIEWER");
	}

	private static RequestPostProcessor viewerSession() {
		return user(ConsoleScenario.VIEWER).roles("VIEWER");
	}

	@Test
	void theSchedulesListEveryTriggerWithItsJobOwnerTimingAndState() throws Exception {
		mvc.perform(get("/api/schedules").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$[?(@.trigger == 'reconcileJob-full')].job").value(hasItem("reconcileJob")))
			.andExpect(jsonPath("$[?(@.trigger == 'reconcileJob-full')].cron").value(hasItem("0 0 */6 * * ?")))
			.andExpect(jsonPath("$[?(@.trigger == 'reconcileJob-full')].owner").value(hasItem("quartz")))
			.andExpect(jsonPath("$[?(@.trigger == 'reconcileJob-full')].state").value(hasItem("NORMAL")))
			.andExpect(jsonPath("$[?(@.trigger == 'applyEventsJob')].interval").value(hasItem("PT1S")))
			.andExpect(jsonPath("$[?(@.trigger == 'reconcileJob-full')].nextFireTime").isNotEmpty())
			.andExpect(jsonPath("$[?(@.trigger == 'orphanCleanupJob')].owner").value(hasItem("cronjob")))
			.andExpect(jsonPath("$[?(@.trigger == 'orphanCleanupJob')].state").value(hasItem("CRONJOB")));
		mvc.perform(post("/api/schedules/orphanCleanupJob/trigger").with(operator())).andExpect(status().isNotFound());
		mvc.perform(get("/schedules").with(viewerSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString("reconcileJob-full")))
			.andExpect(content().string(containsString("0 0 */6 * * ?")))
			.andExpect(content().string(not(containsString(">Pause<"))));
		mvc.perform(get("/schedules").with(operatorSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString(">Pause<")))
			.andExpect(content().string(containsString(
					"onsubmit=\"return confirm(&#39;Pause reconcileJob-full until resumed?&#39;)\"")));
		mvc.perform(get("/").with(viewerSession())).andExpect(status().isOk())
			.andExpect(content().string(containsString("reconcileJob-full (quartz): 20")))
			.andExpect(content().string(containsString("orphanCleanupJob (cronjob): CRONJOB")));
		String jobs = mvc.perform(get("/api/jobs").with(viewer())).andExpect(status().isOk()).andReturn().getResponse()
			.getContentAsString();
		assertThat(job(jobs, "reconcileJob")).containsEntry("owner", "QUARTZ");
		assertThat(Instant.parse((String) job(jobs, "reconcileJob").get("nextFireTime")))
			.as("the earliest next fire time of its triggers")
			.isEqualTo(scheduler.getTriggersOfJob(QuartzSchedules.jobKey("reconcileJob")).stream()
				.map(trigger -> trigger.getNextFireTime().toInstant()).min(Instant::compareTo).orElseThrow());
		assertThat(job(jobs, "orphanCleanupJob")).containsEntry("owner", "CRONJOB");
		assertThat(job(jobs, "orphanCleanupJob").get("nextFireTime")).isNull();
		mvc.perform(get("/v3/api-docs").with(viewer())).andExpect(status().isOk())
			.andExpect(jsonPath("$.paths['/api/jobs'].get.description", containsString("CRONJOB")))
			.andExpect(jsonPath("$.paths['/api/executions/{id}/recover'].post").exists())
			.andExpect(jsonPath("$.paths['/api/schedules'].get").exists())
			.andExpect(jsonPath("$.paths['/api/schedules/{trigger}/trigger'].post").exists())
			.andExpect(jsonPath("$.paths['/api/executions/recover'].post").exists())
			.andExpect(jsonPath("$.paths['/api/executions/{id}/acknowledge'].post").exists());
	}

	@Test
	void anOperatorPausesResumesAndFiresATrigger() throws Exception {
		String trigger = "reconcileJob-full";
		mvc.perform(post("/api/schedules/{t}/pause", trigger).with(operator())).andExpect(status().isOk())
			.andExpect(jsonPath("$.message", containsString("paused")));
		assertThat(scheduler.getTriggerState(QuartzSchedules.triggerKey(trigger))).isEqualTo(Trigger.TriggerState.PAUSED);
		mvc.perform(get("/api/schedules").with(viewer()))
			.andExpect(jsonPath("$[?(@.trigger == 'reconcileJob-full')].state").value(hasItem("PAUSED")));
		mvc.perform(get("/schedules").with(operatorSession())).andExpect(content().string(
				containsString("onsubmit=\"return confirm(&#39;Resume reconcileJob-full?&#39;)\"")));

		mvc.perform(post("/schedules/{t}/resume", trigger).with(operatorSession()).with(csrf()))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/schedules"))
			.andExpect(flash().attribute("result", containsString("resumed")));
		assertThat(scheduler.getTriggerState(QuartzSchedules.triggerKey(trigger))).isEqualTo(Trigger.TriggerState.NORMAL);

		int before = scheduler.getTriggersOfJob(QuartzSchedules.jobKey("reconcileJob")).size();
		mvc.perform(post("/api/schedules/{t}/trigger", trigger).with(operator())).andExpect(status().isOk())
			.andExpect(jsonPath("$.message", containsString("reconcileJob")));
		// the one-off trigger waits for the scheduler (in standby here) and carries the schedule's parameters
		assertThat(scheduler.getTriggersOfJob(QuartzSchedules.jobKey("reconcileJob"))).hasSize(before + 1)
			.anySatisfy(fired -> assertThat(fired.getJobDataMap().getString("mode")).isEqualTo("full"));

		mvc.perform(post("/api/schedules/noSuchTrigger/pause").with(operator())).andExpect(status().isNotFound());
	}

	@Test
	void viewersAndStrangersCannotTouchSchedulesAndFormsNeedTheirToken() throws Exception {
		String trigger = "finalityJob";
		mvc.perform(get("/api/schedules")).andExpect(status().isUnauthorized());
		mvc.perform(get("/schedules")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
		for (String action : new String[] { "pause", "resume", "trigger" }) {
			mvc.perform(post("/api/schedules/{t}/" + action, trigger).with(viewer())).andExpect(status().isForbidden());
			mvc.perform(post("/api/schedules/{t}/" + action, trigger)).andExpect(status().isUnauthorized());
			mvc.perform(post("/schedules/{t}/" + action, trigger).with(viewerSession()).with(csrf()))
				.andExpect(status().isForbidden());
			mvc.perform(post("/schedules/{t}/" + action, trigger).with(operatorSession()))
				.andExpect(status().isForbidden());
		}
		for (String form : new String[] { "/executions/recover", "/executions/1/acknowledge", "/executions/1/recover" }) {
			mvc.perform(post(form).with(viewerSession()).with(csrf())).andExpect(status().isForbidden());
			mvc.perform(post(form).with(operatorSession())).andExpect(status().isForbidden());
			mvc.perform(post(form).with(csrf())).andExpect(status().isFound());
		}
		mvc.perform(post("/api/executions/recover").with(viewer())).andExpect(status().isForbidden());
		mvc.perform(post("/api/executions/1/recover").with(viewer())).andExpect(status().isForbidden());
		mvc.perform(post("/api/executions/1/recover")).andExpect(status().isUnauthorized());
		mvc.perform(post("/api/executions/1/acknowledge").with(viewer())).andExpect(status().isForbidden());
		mvc.perform(post("/api/executions/recover")).andExpect(status().isUnauthorized());
		assertThat(scheduler.getTriggerState(QuartzSchedules.triggerKey(trigger))).isEqualTo(Trigger.TriggerState.NORMAL);
	}

	@Test
	void anOperatorAcknowledgesAFailedExecutionOnce() throws Exception {
		JobExecution failed = ConsoleScenario.failedBackfill(context, simulator);
		mvc.perform(get("/executions/{id}", failed.getId()).with(viewerSession()))
			.andExpect(content().string(not(containsString("id=\"acknowledge\""))));
		mvc.perform(get("/executions/{id}", failed.getId()).with(operatorSession()))
			.andExpect(content().string(containsString("id=\"acknowledge\"")))
			.andExpect(content().string(containsString("onsubmit=\"return confirm('Acknowledge")));
		mvc.perform(post("/api/executions/{id}/acknowledge", failed.getId()).with(viewer()))
			.andExpect(status().isForbidden());
		assertThat(acknowledgements.isAcknowledged(failed.getId())).isFalse();

		mvc.perform(post("/executions/{id}/acknowledge", failed.getId()).with(operatorSession()).with(csrf()))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/executions/" + failed.getId()))
			.andExpect(flash().attribute("result", containsString("acknowledged by " + ConsoleScenario.ADMIN)));
		assertThat(acknowledgements.isAcknowledged(failed.getId())).isTrue();
		mvc.perform(get("/executions/{id}", failed.getId()).with(operatorSession()))
			.andExpect(content().string(not(containsString("id=\"acknowledge\""))));

		JobExecution completed = context.getBean(JobRunner.class)
			.run(context.getBean("orphanCleanupJob", Job.class), new JobParameters());
		assertThat(completed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		mvc.perform(post("/api/executions/{id}/acknowledge", completed.getId()).with(operator()))
			.andExpect(status().isConflict()).andExpect(jsonPath("$.detail", containsString("not FAILED, STOPPED or UNKNOWN")));
		mvc.perform(post("/api/executions/{id}/acknowledge", 999_999).with(operator())).andExpect(status().isNotFound());
	}

	@Test
	void anOperatorRecoversOneExecutionWhoseLeaseExpiredFromItsPage() throws Exception {
		JobExecution stale = startedByADeadProcess("finalityJob");
		// the dead process's lease row, expired a minute ago
		jdbc.update("insert into job_lease (lease_name, owner, token, job_name, acquired_at, heartbeat_at, expires_at) "
				+ "values (?, 'dead-host:1:x', 'dead-token', 'finalityJob', ?, ?, ?)", JobLeases.READ_MODEL,
				Instant.now().minusSeconds(600).toEpochMilli(), Instant.now().minusSeconds(120).toEpochMilli(),
				Instant.now().minusSeconds(60).toEpochMilli());
		mvc.perform(get("/executions/{id}", stale.getId()).with(viewerSession()))
			.andExpect(content().string(not(containsString("id=\"recover\""))));
		mvc.perform(get("/executions/{id}", stale.getId()).with(operatorSession()))
			.andExpect(content().string(containsString("id=\"recover\"")))
			.andExpect(content().string(containsString("onsubmit=\"return confirm('Its process is gone")));

		mvc.perform(post("/executions/{id}/recover", stale.getId()).with(operatorSession()).with(csrf()))
			.andExpect(status().isFound()).andExpect(redirectedUrl("/executions/" + stale.getId()))
			.andExpect(flash().attribute("result", containsString("Recovered finalityJob execution " + stale.getId())));
		assertThat(repository.getJobExecution(stale.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(leases.find(JobLeases.READ_MODEL)).as("recovery let go of the lease it took over").isEmpty();
		mvc.perform(get("/executions/{id}", stale.getId()).with(operatorSession()))
			.andExpect(content().string(not(containsString("id=\"recover\""))))
			.andExpect(content().string(containsString("id=\"restart\"")));

		mvc.perform(post("/api/executions/{id}/recover", stale.getId()).with(operator()))
			.andExpect(status().isConflict()).andExpect(jsonPath("$.detail", containsString("is FAILED, not left running")));
		mvc.perform(post("/api/executions/{id}/recover", 999_999).with(operator())).andExpect(status().isNotFound());
	}

	@Test
	void oneExecutionIsNotRecoveredWhileALiveLaunchHoldsItsLease() throws Exception {
		JobExecution stale = startedByADeadProcess("finalityJob");
		// applyEventsJob shares finalityJob's lease: while it runs, finalityJob's execution may not be dead
		Lease live = leases.tryAcquire(JobLeases.leaseOf("applyEventsJob"), "applyEventsJob").orElseThrow();
		try {
			mvc.perform(get("/executions/{id}", stale.getId()).with(operatorSession()))
				.andExpect(content().string(containsString("id=\"stop\"")))
				.andExpect(content().string(not(containsString("id=\"recover\""))));
			mvc.perform(post("/api/executions/{id}/recover", stale.getId()).with(operator()))
				.andExpect(status().isConflict())
				.andExpect(jsonPath("$.detail", containsString("lease read-model is held by a live launch (applyEventsJob")))
				.andExpect(jsonPath("$.detail", containsString("it may still be running")));
			mvc.perform(post("/executions/{id}/recover", stale.getId()).with(operatorSession()).with(csrf()))
				.andExpect(status().isFound())
				.andExpect(flash().attribute("error", containsString("not recovered")));
			assertThat(repository.getJobExecution(stale.getId()).getStatus()).isEqualTo(BatchStatus.STARTED);
		}
		finally {
			leases.release(live);
		}

		mvc.perform(post("/api/executions/{id}/recover", stale.getId()).with(operator())).andExpect(status().isOk())
			.andExpect(jsonPath("$.executionId").value(stale.getId()));
		assertThat(repository.getJobExecution(stale.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
	}

	@Test
	void aLaunchWaitingItsTurnSaysSoAndRunsOnceTheJobHoldingTheSharedLeaseEnds() throws Exception {
		JobInstance previous = repository.getLastJobInstance("applyEventsJob");
		long before = previous == null ? 0 : repository.getLastJobExecution(previous).getId();
		// finalityJob runs (in this process or another) under the lease applyEventsJob shares
		Lease finality = leases.tryAcquire(JobLeases.leaseOf("finalityJob"), "finalityJob").orElseThrow();
		try {
			mvc.perform(post("/api/jobs/applyEventsJob/launch").with(operator()).contentType(MediaType.APPLICATION_JSON)
				.content("{}")).andExpect(status().isAccepted())
				.andExpect(jsonPath("$.message", containsString("Launch of applyEventsJob waits its turn: finalityJob (")))
				.andExpect(jsonPath("$.message", containsString("holds the lease it shares")));
		}
		finally {
			leases.release(finality);
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> {
			JobExecution last = repository.getLastJobExecution(repository.getLastJobInstance("applyEventsJob"));
			return last.getId() > before && last.getStatus() == BatchStatus.COMPLETED;
		});
	}

	/** An execution a process that died mid-job left STARTED, with no lease held for it. */
	private JobExecution startedByADeadProcess(String job) {
		JobParameters parameters = new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters();
		JobExecution stale = repository.createJobExecution(repository.createJobInstance(job, parameters), parameters,
				new ExecutionContext());
		stale.setStatus(BatchStatus.STARTED);
		stale.setStartTime(LocalDateTime.now().minusHours(1));
		repository.update(stale);
		return stale;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> job(String jobsJson, String name) {
		List<Map<String, Object>> found = JsonPath.read(jobsJson, "$[?(@.name == '" + name + "')]");
		assertThat(found).as(name).hasSize(1);
		return found.get(0);
	}

	@Test
	void recoveryMarksFailedAnExecutionLeftStartedByADeadProcess() throws Exception {
		mvc.perform(post("/api/executions/recover").with(operator())).andExpect(status().isOk())
			.andExpect(jsonPath("$.message", containsString("Nothing to recover")));

		// a process that died mid-job: its execution stays STARTED and no lease is held for it
		JobParameters parameters = new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters();
		JobExecution stale = repository.createJobExecution(repository.createJobInstance("finalityJob", parameters),
				parameters, new ExecutionContext());
		stale.setStatus(BatchStatus.STARTED);
		stale.setStartTime(LocalDateTime.now().minusHours(1));
		repository.update(stale);

		mvc.perform(post("/executions/recover").with(operatorSession()).with(csrf())).andExpect(status().isFound())
			.andExpect(redirectedUrl("/executions"))
			.andExpect(flash().attribute("result", containsString("finalityJob " + stale.getId())));
		assertThat(repository.getJobExecution(stale.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
	}
}
