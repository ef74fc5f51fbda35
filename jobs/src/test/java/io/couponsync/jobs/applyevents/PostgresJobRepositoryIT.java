package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import javax.sql.DataSource;

import com.mongodb.client.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The job repository on a real PostgreSQL server (18, embedded in the test JVM): the schema is created on first
 * start, and an execution a hard kill left STARTED is recovered by the next process and restarted from its last
 * committed chunk.
 */
class PostgresJobRepositoryIT {

	private static EmbeddedPostgres postgres;

	private static SolanaSimulator simulator;

	@BeforeAll
	static void start() throws Exception {
		postgres = EmbeddedPostgres.builder().start();
		simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(SolanaSimulator.bundledIdl()));
		for (int slot = 0; slot < 30; slot++) {
			simulator.runWorkload(10);
			simulator.advanceSlots(1);
		}
	}

	@AfterAll
	static void stop() throws Exception {
		simulator.close();
		postgres.close();
	}

	@Test
	void keepsExecutionsInPostgresAndRecoversOneAHardKillLeftStarted() throws Exception {
		int mongoPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			mongoPort = socket.getLocalPort();
		}
		List<LedgerTransaction> workload = simulator.ledger().transactions();
		long crashedExecution;
		// the embedded MongoDB lives as long as its process; share it through a standalone one instead
		de.bwaldvogel.mongo.MongoServer mongo = new de.bwaldvogel.mongo.MongoServer(
				new de.bwaldvogel.mongo.backend.memory.MemoryBackend());
		mongo.bind("127.0.0.1", mongoPort);
		try {
			try (ConfigurableApplicationContext first = jobsProcessOnMongo(mongoPort, true)) {
				first.getBean(MongoStagingRepository.class).insertIfAbsent(LedgerStaging.staged(workload));
				first.getBean(ApplyEventsJobIT.CrashInjection.FailOnce.class).arm("fields-written", 3);
				JobExecution crashed = first.getBean(JobRunner.class).run(first.getBean("applyEventsJob", Job.class),
						new JobParameters());
				assertThat(crashed.getStatus()).isEqualTo(BatchStatus.FAILED);
				crashedExecution = crashed.getId();
			}
			// a hard kill leaves the rows as they were while running: STARTED, no end time
			try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
				connection.createStatement().executeUpdate("update batch_job_execution set status = 'STARTED', "
						+ "exit_code = 'UNKNOWN', end_time = null where job_execution_id = " + crashedExecution);
				connection.createStatement().executeUpdate("update batch_step_execution set status = 'STARTED', "
						+ "exit_code = 'EXECUTING', end_time = null where job_execution_id = " + crashedExecution
						+ " and status = 'FAILED'");
			}
			try (ConfigurableApplicationContext second = jobsProcessOnMongo(mongoPort, false)) {
				assertThat(second.getBean(org.springframework.batch.core.repository.JobRepository.class)
					.getJobExecution(crashedExecution).getStatus()).as("recovered at start-up")
					.isEqualTo(BatchStatus.FAILED);
				JobExecution restarted = second.getBean(JobRunner.class).run(second.getBean("applyEventsJob", Job.class),
						new JobParameters());
				assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
				assertThat(restarted.getJobInstance().getInstanceId()).as("the same instance, restarted")
					.isEqualTo(second.getBean(org.springframework.batch.core.repository.JobRepository.class)
						.getJobExecution(crashedExecution).getJobInstance().getInstanceId());
				MongoClient client = second.getBean(MongoClient.class);
				assertThat(client.getDatabase("coupon_sync").getCollection("staged_transactions")
					.countDocuments(new org.bson.Document("status", "applied"))).isEqualTo(workload.size());
				try (Connection connection = second.getBean(DataSource.class).getConnection();
						ResultSet rows = connection.createStatement().executeQuery(
								"select count(*) from batch_job_execution where job_instance_id = (select job_instance_id "
										+ "from batch_job_execution where job_execution_id = " + crashedExecution + ")")) {
					rows.next();
					assertThat(rows.getInt(1)).isEqualTo(2);
					assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
					assertThat(connection.getMetaData().getDatabaseMajorVersion()).isEqualTo(18);
				}
			}
		}
		finally {
			mongo.shutdownNow();
		}
	}

	private ConfigurableApplicationContext jobsProcessOnMongo(int mongoPort, boolean crashing) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(JobsApplication.class);
		if (crashing) {
			builder.sources(ApplyEventsJobIT.CrashInjection.class);
		}
		return builder.web(org.springframework.boot.WebApplicationType.NONE).run(
				"--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
				"--spring.datasource.username=postgres", "--spring.datasource.password=",
				"--spring.batch.jdbc.initialize-schema=always", "--sync.program.id=" + simulator.programId(),
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.listener.enabled=false",
				"--sync.jobs.schedule.enabled=false", "--sync.jobs.apply.chunk-size=25",
				"--sync.mongodb.uri=mongodb://127.0.0.1:" + mongoPort + "/coupon_sync");
	}
}
