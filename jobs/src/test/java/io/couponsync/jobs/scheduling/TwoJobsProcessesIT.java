package io.couponsync.jobs.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.junit.jupiter.api.Test;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.listeners.JobListenerSupport;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobLaunch;
import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.verify.VerifyCommand;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two jobs processes — two Spring contexts, each with its own Quartz scheduler — sharing one PostgreSQL job
 * repository and one MongoDB, against one simulated chain with a fork. The schedulers have different names, so
 * they are not one cluster and both fire every trigger every 200ms (and Quartz, which registers its connections
 * JVM-wide by scheduler name, keeps each process's own): only the leases keep them apart. The job repository shows
 * no two executions of a lease's jobs overlapping, both processes ran jobs, and the read model ends equal to the
 * chain (the verify command passes).
 */
class TwoJobsProcessesIT {

	private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);

	/** Per scheduler instance, the jobs whose fires ran an execution (rather than meet a held lease). */
	private final Map<String, Set<String>> ranBy = new ConcurrentHashMap<>();

	@Test
	void neverRunsAJobTwiceAtOnceAndConvergesToTheChain() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
				SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
						SolanaSimulator.bundledIdl()))) {
			MongoServer mongo = new MongoServer(new MemoryBackend());
			int mongoPort = freePort();
			mongo.bind("127.0.0.1", mongoPort);
			String mongoUri = "mongodb://127.0.0.1:" + mongoPort + "/coupon_sync";
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			try {
				try (ConfigurableApplicationContext first = jobsProcess("jobs-a", simulator, jdbcUrl, mongoUri);
						ConfigurableApplicationContext second = jobsProcess("jobs-b", simulator, jdbcUrl, mongoUri)) {
					recordRuns(first);
					recordRuns(second);
					for (int round = 0; round < 10; round++) {
						simulator.runWorkload(20);
						simulator.advanceSlots(2);
						if (round == 4) {
							long finalized = simulator.ledger().slot(Commitment.FINALIZED);
							LedgerTransaction forkPoint = simulator.ledger().transactions().stream()
								.filter(t -> t.slot() > finalized).findFirst().orElseThrow();
							List<LedgerTransaction> dropped = simulator.dropByFork(forkPoint);
							simulator.reland(dropped.subList(0, dropped.size() / 2));
						}
						Thread.sleep(300);
					}
					simulator.advanceSlots(80);

					String verified = awaitPassingVerify(simulator, mongoUri);
					assertThat(verified).as("verify never passed").startsWith("0\n");
				}
			}
			finally {
				mongo.shutdownNow();
			}

			assertThat(ranBy).as("both processes ran jobs").hasSize(2);
			JdbcTemplate repository = new JdbcTemplate(
					new SingleConnectionDataSource(jdbcUrl, "postgres", "", true));
			assertNoOverlap(repository, List.of("applyEventsJob", "finalityJob", "reconcileJob"));
			assertNoOverlap(repository, List.of("backfillJob"));
			assertThat(repository.queryForObject("select count(*) from batch_job_execution where end_time is null",
					Integer.class)).as("every execution ended").isZero();
			assertThat(repository.queryForObject("select count(*) from job_lease", Integer.class))
				.as("every lease released").isZero();
		}
	}

	/** Executions of jobs sharing a lease, in start order, each starting only once the one before ended. */
	private static void assertNoOverlap(JdbcTemplate repository, List<String> jobs) {
		assertThat(jobs.stream().map(JobLeases::leaseOf).distinct()).hasSize(1);
		List<Map<String, Object>> executions = repository.queryForList("select i.job_name, e.job_execution_id, "
				+ "e.start_time, e.end_time, e.status from batch_job_execution e join batch_job_instance i "
				+ "on e.job_instance_id = i.job_instance_id where i.job_name in (" + String.join(",",
						jobs.stream().map(job -> "'" + job + "'").toList())
				+ ") and e.start_time is not null order by e.start_time, e.job_execution_id");
		assertThat(executions.stream().map(row -> row.get("job_name")).distinct()).as("each of %s ran", jobs)
			.hasSize(jobs.size());
		for (int i = 1; i < executions.size(); i++) {
			Map<String, Object> before = executions.get(i - 1);
			Map<String, Object> after = executions.get(i);
			assertThat(((Timestamp) after.get("start_time")).toLocalDateTime())
				.as("%s started before %s ended", after, before)
				.isAfterOrEqualTo(((Timestamp) before.get("end_time")).toLocalDateTime());
		}
	}

	private void recordRuns(ConfigurableApplicationContext context) throws SchedulerException {
		Scheduler scheduler = context.getBean(Scheduler.class);
		String instance = scheduler.getSchedulerInstanceId();
		scheduler.getListenerManager().addJobListener(new JobListenerSupport() {

			@Override
			public String getName() {
				return "runs-of-" + instance;
			}

			@Override
			public void jobWasExecuted(JobExecutionContext fired, JobExecutionException failure) {
				if (fired.getResult() == JobLaunch.Outcome.RAN) {
					ranBy.computeIfAbsent(instance, any -> ConcurrentHashMap.newKeySet())
						.add(fired.getJobDetail().getKey().getName());
				}
			}
		});
	}

	private static ConfigurableApplicationContext jobsProcess(String name, SolanaSimulator simulator, String jdbcUrl,
			String mongoUri) {
		List<String> args = new ArrayList<>(List.of("--spring.quartz.scheduler-name=" + name,
				"--sync.program.id=" + simulator.programId(),
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=" + simulator.rpcUrl(),
				"--sync.solana.ws-url=" + simulator.wsUrl(), "--sync.listener.enabled=false",
				"--sync.mongodb.uri=" + mongoUri, "--spring.datasource.url=" + jdbcUrl,
				"--spring.datasource.username=postgres", "--spring.datasource.password=",
				"--spring.batch.jdbc.initialize-schema=always", "--sync.jobs.shutdown-timeout=20s",
				"--sync.jobs.apply.chunk-size=25"));
		for (String job : List.of("backfillJob", "applyEventsJob", "finalityJob", "reconcileJob")) {
			args.add("--sync.jobs.schedule.triggers." + job + ".interval=200ms");
		}
		return new SpringApplicationBuilder(JobsApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	/** The verify command's exit code and output, once it passes or the time is up. */
	private static String awaitPassingVerify(SolanaSimulator simulator, String mongoUri) throws Exception {
		long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
		String last;
		do {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int code = VerifyCommand.run(JobsApplication.class, new String[] { "--sync.program.id=" + simulator.programId(),
					"--sync.program.idl=../config/idl/discount_platform.json",
					"--sync.solana.rpc-url=" + simulator.rpcUrl(), "--sync.solana.ws-url=" + simulator.wsUrl(),
					"--sync.mongodb.uri=" + mongoUri, "--spring.datasource.url=jdbc:h2:mem:two-processes-verify" },
					new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
			last = code + "\n" + out.toString(StandardCharsets.UTF_8);
			if (code == 0) {
				return last;
			}
			Thread.sleep(1000);
		}
		while (System.nanoTime() < deadline);
		return last;
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
