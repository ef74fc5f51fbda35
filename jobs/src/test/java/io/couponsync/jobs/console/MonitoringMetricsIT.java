package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.accountstate.ReconcileTally;
import io.couponsync.simulator.SolanaSimulator;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules under {@code k8s-cronjobs/monitoring/} use is one
 * a running application exports: the one-process application (listener in-process) is started on a real port, runs
 * its jobs (one fails on a 429, one dead-letters a transaction), and its {@code /actuator/prometheus} is scraped
 * with an operator's credentials.
 */
@SpringBootTest(classes = JobsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.additional-location=file:../config/", "sync.listener.enabled=true" })
class MonitoringMetricsIT {

	private static final Path MONITORING = Path.of("..", "k8s-cronjobs", "monitoring");

	/** A metric name in a PromQL expression: ours and Spring Batch's. */
	private static final Pattern METRIC = Pattern.compile("\\b((?:sync|spring_batch)_[a-z0-9_]+)\\b");

	private static final SolanaSimulator simulator = ConsoleScenario.simulator();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ConsoleScenario.register(registry, simulator, "monitoring-metrics-it");
	}

	@AfterAll
	static void stopSimulator() {
		simulator.close();
	}

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Test
	void everyMetricTheDashboardAndTheAlertsUseIsExported() throws Exception {
		ConsoleScenario.failedBackfill(context, simulator);
		ConsoleScenario.deadLetter(context, simulator, "monitoring-" + UUID.randomUUID());
		await().atMost(Duration.ofSeconds(30)).until(() -> scrape().contains("sync_listener_connected 1"));

		Set<String> used = new TreeSet<>();
		used.addAll(metricsIn(dashboardExpressions()));
		used.addAll(metricsIn(alertExpressions()));
		assertThat(used).as("the files name metrics at all").contains("sync_listener_connected",
				"sync_pipeline_lag_slots", "sync_finality_unresolved_oldest_seconds", "sync_deadletters",
				"sync_job_last_failed", "sync_job_last_duration_seconds", "sync_job_last_skips",
				"sync_job_last_completed_age_seconds");

		Set<String> exported = scrape().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
			.map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
		assertThat(exported).as("exported by /actuator/prometheus").containsAll(used);

		// a reconciliation's differences by type, as the reconcile job adds them to this process's meters
		ReconcileTally tally = new ReconcileTally();
		tally.add("coupons", ReconcileTally.DIFFERENCES, 2);
		tally.addTo(context.getBean(MeterRegistry.class), "reconcile");
		assertThat(scrape()).as("beside the console's gauge of the last run's differences")
			.contains("sync_reconcile_differences_total{type=\"coupons\"} 2.0")
			.contains("sync_reconcile_last_differences ");
		assertThat(exported).as("Spring Batch's observations, as the README says")
			.anyMatch(name -> name.startsWith("spring_batch_job")).anyMatch(name -> name.startsWith("spring_batch_step"));
	}

	@Test
	void theScrapeNeedsALogin() throws Exception {
		HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).as("%s", anonymous.headers().map()).isEqualTo(401);
	}

	private String scrape() throws Exception {
		String credentials = Base64.getEncoder().encodeToString(
				(ConsoleScenario.VIEWER + ":" + ConsoleScenario.VIEWER_PASSWORD).getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> response = HttpClient.newHttpClient().send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
					.header("Authorization", "Basic " + credentials).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private static List<String> dashboardExpressions() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build()
			.readTree(Files.readString(MONITORING.resolve("grafana-dashboard.json")));
		return dashboard.findValues("expr").stream().map(JsonNode::asString).toList();
	}

	@SuppressWarnings("unchecked")
	private static List<String> alertExpressions() throws Exception {
		Map<String, Object> rules = new Yaml().load(Files.readString(MONITORING.resolve("alert-rules.yml")));
		return ((List<Map<String, Object>>) rules.get("groups")).stream()
			.flatMap(group -> ((List<Map<String, Object>>) group.get("rules")).stream())
			.map(rule -> String.valueOf(rule.get("expr"))).toList();
	}

	private static Set<String> metricsIn(List<String> expressions) {
		Set<String> names = new TreeSet<>();
		for (String expression : expressions) {
			Matcher matcher = METRIC.matcher(expression);
			while (matcher.find()) {
				names.add(matcher.group(1));
			}
		}
		return names;
	}
}
