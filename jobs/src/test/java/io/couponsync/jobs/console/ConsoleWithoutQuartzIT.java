package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.simulator.SolanaSimulator;

/**
 * The console in a process without Quartz (its auto-configuration excluded, as the commands exclude it): the
 * schedules page says so, the schedules API refuses with the reason, and the jobs show their owner as configured
 * with no next fire time.
 */
// why: the context is this class's alone; cached, it would keep running (a listener reconnecting to the closed
// simulator's port) through the other classes' tests
@DirtiesContext
@SpringBootTest(classes = JobsApplication.class, properties = { "spring.config.additional-location=file:../config/",
		"sync.listener.enabled=false",
		"spring.autoconfigure.exclude=org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
		"sync.jobs.schedule.triggers.applyEventsJob.interval=1s",
		"sync.jobs.schedule.triggers.orphanCleanupJob.owner=cronjob",
		"sync.jobs.schedule.triggers.orphanCleanupJob.cron=0 15 * * * ?" })
@AutoConfigureMockMvc
class ConsoleWithoutQuartzIT {

	private static final SolanaSimulator simulator = ConsoleScenario.simulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ConsoleScenario.register(registry, simulator, "console-without-quartz-it");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.close();
	}

	@Autowired
	private MockMvc mvc;

	@Test
	void theJobsShowTheirOwnerFromTheConfigurationAndNoFireTime() throws Exception {
		String jobs = mvc.perform(get("/api/jobs")
			.with(httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD))).andExpect(status().isOk())
			.andReturn().getResponse().getContentAsString();
		assertThat(job(jobs, "orphanCleanupJob")).containsEntry("owner", "CRONJOB");
		assertThat(job(jobs, "orphanCleanupJob").get("nextFireTime")).isNull();
		assertThat(job(jobs, "applyEventsJob")).containsEntry("owner", "QUARTZ");
		assertThat(job(jobs, "applyEventsJob").get("nextFireTime")).as("Quartz does not run here to say").isNull();
		assertThat(job(jobs, "finalityJob")).as("no schedule").containsEntry("owner", "NONE");
		mvc.perform(get("/").with(user(ConsoleScenario.VIEWER).roles("VIEWER"))).andExpect(status().isOk())
			.andExpect(content().string(containsString("orphanCleanupJob (cronjob): CRONJOB")))
			.andExpect(content().string(containsString("applyEventsJob (quartz): Quartz does not run in this process")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> job(String jobsJson, String name) {
		List<Map<String, Object>> found = JsonPath.read(jobsJson, "$[?(@.name == '" + name + "')]");
		assertThat(found).as(name).hasSize(1);
		return found.get(0);
	}

	@Test
	void theSchedulesPageSaysQuartzDoesNotRunHere() throws Exception {
		mvc.perform(get("/schedules").with(user(ConsoleScenario.VIEWER).roles("VIEWER"))).andExpect(status().isOk())
			.andExpect(content().string(containsString("id=\"no-quartz\"")))
			.andExpect(content().string(containsString("Quartz does not run in this process")));
		mvc.perform(get("/api/schedules").with(httpBasic(ConsoleScenario.VIEWER, ConsoleScenario.VIEWER_PASSWORD)))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail", containsString("Quartz does not run in this process")));
		mvc.perform(post("/api/schedules/finalityJob/pause")
			.with(httpBasic(ConsoleScenario.ADMIN, ConsoleScenario.ADMIN_PASSWORD))).andExpect(status().isConflict());
	}
}
