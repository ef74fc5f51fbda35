package io.couponsync.jobs.applyevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import com.mongodb.client.MongoClient;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.LeaseStore;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.simulator.SolanaSimulator;
import io.couponsync.simulator.ledger.LedgerTransaction;

/** Shutting the process down stops a running job at a chunk boundary; the next process continues it. */
class GracefulShutdownIT {

	/** A writer that takes its time, so the job is still running when the process stops. */
	static class SlowWriter {

		@Bean
		WriterCheckpoint slowCheckpoint() {
			return step -> {
				if (step.equals("histories-written")) {
					try {
						Thread.sleep(150);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			};
		}
	}

	@Test
	void stopsARunningJobAtShutdownAndTheNextProcessContinuesIt() throws Exception {
		MongoServer mongo = new MongoServer(new MemoryBackend());
		String mongoUri = mongo.bindAndGetConnectionString() + "/coupon_sync";
		try (SolanaSimulator simulator = SolanaSimulator.start(SolanaSimulator.Settings.manual(
				SolanaSimulator.bundledIdl()))) {
			for (int slot = 0; slot < 40; slot++) {
				simulator.runWorkload(10);
				simulator.advanceSlots(1);
			}
			List<LedgerTransaction> workload = simulator.ledger().transactions();
			long stoppedExecution;
			ConfigurableApplicationContext first = process(mongoUri, true);
			first.getBean(MongoStagingRepository.class).insertIfAbsent(LedgerStaging.staged(workload));
			JobRunner runner = first.getBean(JobRunner.class);
			Job job = first.getBean("applyEventsJob", Job.class);
			CompletableFuture<JobExecution> running = CompletableFuture.supplyAsync(() -> {
				try {
					return runner.run(job, new JobParameters());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			JobRepository repository = first.getBean(JobRepository.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !repository.findRunningJobExecutions(job.getName()).isEmpty());
			Thread.sleep(500);
			first.close();

			JobExecution stopped = running.get(60, TimeUnit.SECONDS);
			stoppedExecution = stopped.getId();
			assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);

			try (ConfigurableApplicationContext second = process(mongoUri, false)) {
				assertThat(second.getBean(LeaseStore.class).find(JobLeases.READ_MODEL))
					.as("released by the launch before its process closed, not left to expire").isEmpty();
				JobExecution continued = second.getBean(JobRunner.class).run(second.getBean("applyEventsJob", Job.class),
						new JobParameters());
				assertThat(continued.getStatus()).isEqualTo(BatchStatus.COMPLETED);
				assertThat(continued.getJobInstance().getInstanceId()).isEqualTo(second.getBean(JobRepository.class)
					.getJobExecution(stoppedExecution).getJobInstance().getInstanceId());
				assertThat(second.getBean(MongoClient.class).getDatabase("coupon_sync")
					.getCollection("staged_transactions").countDocuments(new Document("status", "applied")))
					.isEqualTo(workload.size());
			}
		}
		finally {
			mongo.shutdownNow();
		}
	}

	private static ConfigurableApplicationContext process(String mongoUri, boolean slow) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(JobsApplication.class)
			.web(WebApplicationType.NONE);
		if (slow) {
			builder.sources(SlowWriter.class);
		}
		return builder.run("--spring.datasource.url=jdbc:h2:mem:graceful-shutdown;DB_CLOSE_DELAY=-1",
				"--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.listener.enabled=false",
				"--sync.jobs.schedule.enabled=false", "--sync.jobs.apply.chunk-size=20",
				"--sync.mongodb.uri=" + mongoUri);
	}
}
