package io.couponsync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The readiness group the repository's config/application.yml defines: MongoDB and the job repository, not the RPC
 * or the listener, so an RPC outage (here: nothing listens at the RPC and WebSocket URLs) leaves the console ready
 * and in its Service, while /actuator/health still shows operators what is down.
 */
@SpringBootTest(classes = JobsApplication.class, properties = { "spring.config.additional-location=file:../config/",
		"sync.program.idl=../config/idl/discount_platform.json", "sync.solana.rpc-url=http://127.0.0.1:9",
		"sync.solana.ws-url=ws://127.0.0.1:9", "sync.solana.max-attempts=1", "sync.listener.enabled=true",
		"sync.jobs.schedule.enabled=false", "sync.mongodb.embedded.port=0", "sync.mongodb.embedded.file=",
		"spring.datasource.url=jdbc:h2:mem:readiness-it;DB_CLOSE_DELAY=-1", "sync.security.admin.username=operator",
		"sync.security.admin.password=operator-secret" })
@AutoConfigureMockMvc
class ReadinessIT {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private HealthEndpointGroups groups;

	@Test
	void readinessIsMongoDbAndTheJobRepositoryOnly() {
		HealthEndpointGroup readiness = groups.get("readiness");
		assertThat(readiness.isMember("mongo")).isTrue();
		assertThat(readiness.isMember("db")).isTrue();
		assertThat(readiness.isMember("rpc")).isFalse();
		assertThat(readiness.isMember("listener")).isFalse();
	}

	@Test
	void anRpcThatIsDownLeavesTheApplicationReadyAndShowsInHealth() throws Exception {
		mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"));
		mvc.perform(get("/actuator/health/readiness").with(httpBasic("operator", "operator-secret")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.components.mongo.status").value("UP"))
			.andExpect(jsonPath("$.components.db.status").value("UP"))
			.andExpect(jsonPath("$.components.rpc").doesNotExist())
			.andExpect(jsonPath("$.components.listener").doesNotExist());
		mvc.perform(get("/actuator/health").with(httpBasic("operator", "operator-secret")))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.components.rpc.status").value("DOWN"))
			.andExpect(jsonPath("$.components.listener.status").exists());
	}
}
