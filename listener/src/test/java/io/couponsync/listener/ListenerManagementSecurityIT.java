package io.couponsync.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.simulator.SolanaSimulator;

/**
 * The listener's management endpoints over real HTTP: health (and its liveness and readiness groups) answers
 * anyone; Prometheus and metrics only a logged-in account; nothing else is served.
 */
class ListenerManagementSecurityIT {

	private final ListenerHarness harness = new ListenerHarness(SolanaSimulator.Settings.manual(
			SolanaSimulator.bundledIdl()));

	@AfterEach
	void close() {
		harness.close();
	}

	@Test
	void onlyHealthAnswersWithoutALoginAndPrometheusScrapesWithOne() throws Exception {
		ConfigurableApplicationContext listener = harness.startListener(
				"management.endpoints.web.exposure.include=health,metrics,prometheus",
				"management.endpoint.health.probes.enabled=true");
		int port = ((WebServerApplicationContext) listener).getWebServer().getPort();

		assertThat(get(port, "/actuator/health", null).statusCode()).isEqualTo(200);
		assertThat(get(port, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(get(port, "/actuator/prometheus", null).statusCode()).isEqualTo(401);
		assertThat(get(port, "/actuator/metrics", null).statusCode()).isEqualTo(401);
		assertThat(get(port, "/anything", null).statusCode()).isIn(401, 403);
		assertThat(get(port, "/actuator/prometheus", "admin:wrong").statusCode()).isEqualTo(401);

		HttpResponse<String> scrape = get(port, "/actuator/prometheus", "admin:listener-test-password");
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("sync_listener_connected").contains("sync_listener_transactions_staged_total");
	}

	private static HttpResponse<String> get(int port, String path, String credentials) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (credentials != null) {
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
