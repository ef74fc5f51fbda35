package io.couponsync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's one-process run in the demo profile, with the repository's config/ files: the simulator generates
 * traffic, the in-process listener stages it, the scheduled apply job keeps the read model current, and the
 * actuator reports every part healthy over HTTP.
 */
class DemoProfileIT {

	@Test
	void stagesTheDemoTrafficAndReportsHealthy() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JobsApplication.class)
			.profiles("demo")
			// command-line arguments, since they outrank the config files as an operator's would
			.run("--spring.config.additional-location=file:../config/",
					"--sync.program.idl=../config/idl/discount_platform.json", "--sync.demo.rpc-port=" + freePort(),
					"--sync.demo.ws-port=" + freePort(), "--sync.demo.transactions-per-second=50",
					"--sync.demo.slot-millis=50", "--sync.mongodb.embedded.port=0", "--server.port=0",
					"--management.endpoint.health.show-details=always", "--sync.jobs.schedule.triggers.applyEventsJob.interval=200ms",
					"--spring.datasource.url=jdbc:h2:mem:demo-profile-it;DB_CLOSE_DELAY=-1")) {
			MongoClient mongo = context.getBean(MongoClient.class);
			var staged = mongo.getDatabase("coupon_sync").getCollection("staged_transactions");
			await().atMost(Duration.ofSeconds(30)).until(() -> staged.countDocuments() >= 20);
			assertThat(staged.find().first()).containsEntry("source", "websocket");

			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
			JsonNode health = JsonMapper.builder().build().readTree(response.body());
			assertThat(health.get("status").asString()).isEqualTo("UP");
			assertThat(health.get("components").get("listener").get("details").get("connected").asBoolean()).isTrue();
			assertThat(health.get("components").get("mongo").get("status").asString()).isEqualTo("UP");
			assertThat(health.get("components").get("db").get("status").asString()).isEqualTo("UP");
			assertThat(new Document(staged.find().first()).getList("logs", String.class)).isNotEmpty();

			// the one-process default applies what the listener stages, on its fixed delay
			var database = mongo.getDatabase("coupon_sync");
			await().atMost(Duration.ofSeconds(30)).until(() -> database.getCollection("coupons").countDocuments() > 0
					&& database.getCollection("staged_transactions").countDocuments(new Document("status", "applied")) >= 20);
			assertThat(database.getCollection("merchants").countDocuments()).isPositive();
		}
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
