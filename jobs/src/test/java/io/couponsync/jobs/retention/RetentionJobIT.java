package io.couponsync.jobs.retention;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.EmptyResultDataAccessException;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobLaunch;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.launch.CommandContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The retention job on H2 and on a real PostgreSQL: old executions go, failed ones stay until acknowledged, and
 * each job's newest instance and recent ones stay.
 */
class RetentionJobIT {

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws Exception {
		postgres = EmbeddedPostgres.builder().start();
	}

	@AfterAll
	static void stopPostgres() throws Exception {
		postgres.close();
	}

	static Stream<String> repositories() {
		return Stream.of("h2", "postgres");
	}

	private static ConfigurableApplicationContext jobsOn(String database) {
		List<String> args = new ArrayList<>(List.of("--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=http://127.0.0.1:9",
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.mongodb.embedded.port=0",
				"--sync.mongodb.embedded.file=", "--spring.batch.jdbc.initialize-schema=always",
				"--sync.jobs.retention.days=30"));
		if (database.equals("postgres")) {
			args.add("--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"));
			args.add("--spring.datasource.username=postgres");
		}
		else {
			args.add("--spring.datasource.url=jdbc:h2:mem:retention-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		}
		return CommandContext.start(JobsApplication.class, args);
	}

	/** A finished execution of a new instance of {@code job}, ended {@code daysAgo} days ago. */
	private static JobExecution ended(JobRepository repository, String job, BatchStatus status, int daysAgo) {
		JobParameters parameters = new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters();
		JobExecution execution = repository.createJobExecution(repository.createJobInstance(job, parameters),
				parameters, new ExecutionContext());
		LocalDateTime end = LocalDateTime.now().minusDays(daysAgo);
		execution.setStartTime(end.minusMinutes(1));
		execution.setEndTime(end);
		execution.setStatus(status);
		repository.update(execution);
		return execution;
	}

	private static boolean exists(JobRepository repository, JobExecution execution) {
		try {
			return repository.getJobExecution(execution.getId()) != null;
		}
		catch (EmptyResultDataAccessException gone) {
			return false;
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void purgesOldExecutionsButKeepsUnacknowledgedFailuresAndTheNewest(String database) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(database)) {
			JobRepository repository = context.getBean(JobRepository.class);
			String job = "finalityJob-" + database;
			JobExecution oldCompleted = ended(repository, job, BatchStatus.COMPLETED, 40);
			JobExecution oldFailed = ended(repository, job, BatchStatus.FAILED, 41);
			JobExecution oldAcknowledged = ended(repository, job, BatchStatus.FAILED, 42);
			JobExecution recent = ended(repository, job, BatchStatus.COMPLETED, 2);
			JobExecution newestButOld = ended(repository, "backfillJob-" + database, BatchStatus.COMPLETED, 90);
			JobExecution newest = ended(repository, job, BatchStatus.COMPLETED, 35);
			FailureAcknowledgements acknowledgements = context.getBean(FailureAcknowledgements.class);
			acknowledgements.acknowledge(oldAcknowledged.getId(), "operator");

			JobLaunch launch = context.getBean(JobRunner.class).launch("retentionJob", new JobParameters());

			assertThat(launch.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(exists(repository, oldCompleted)).isFalse();
			assertThat(exists(repository, oldAcknowledged)).isFalse();
			assertThat(acknowledgements.isAcknowledged(oldAcknowledged.getId())).isFalse();
			assertThat(exists(repository, oldFailed)).as("failed, not acknowledged").isTrue();
			assertThat(exists(repository, recent)).isTrue();
			assertThat(exists(repository, newest)).as("its job's newest instance").isTrue();
			assertThat(exists(repository, newestButOld)).as("its job's only instance").isTrue();
			var step = launch.execution().getStepExecutions().iterator().next().getExecutionContext();
			assertThat(step.getLong("purged")).isEqualTo(2);
			assertThat(step.getLong("keptUnacknowledged")).isEqualTo(1);

			acknowledgements.acknowledge(oldFailed.getId(), "operator");
			context.getBean(JobRunner.class).launch("retentionJob", new JobParameters());
			assertThat(exists(repository, oldFailed)).as("purged once acknowledged").isFalse();
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void walksAHistoryOfThousandsInBatchesEachItsOwnTransaction(String database) throws Exception {
		try (ConfigurableApplicationContext context = jobsOn(database)) {
			JobRepository repository = context.getBean(JobRepository.class);
			String job = "applyEventsJob-" + database;
			int old = 2 * ExecutionPurgeTasklet.BATCH + 7;
			for (int i = 0; i < old; i++) {
				ended(repository, job, BatchStatus.COMPLETED, 40);
			}
			JobExecution oldFailed = ended(repository, job, BatchStatus.FAILED, 40);
			JobExecution recent = ended(repository, job, BatchStatus.COMPLETED, 1);

			JobLaunch launch = context.getBean(JobRunner.class).launch("retentionJob", new JobParameters());

			assertThat(launch.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
			var step = launch.execution().getStepExecutions().iterator().next();
			assertThat(step.getExecutionContext().getLong("purged")).isEqualTo(old);
			assertThat(step.getExecutionContext().getLong("keptUnacknowledged")).isEqualTo(1);
			assertThat(step.getCommitCount()).as("a transaction per batch of %s", ExecutionPurgeTasklet.BATCH)
				.isGreaterThanOrEqualTo(3);
			assertThat(repository.getJobInstances(job, 0, 10)).as("the failed one and the recent one")
				.hasSize(2);
			assertThat(exists(repository, oldFailed)).isTrue();
			assertThat(exists(repository, recent)).isTrue();
			if (database.equals("postgres")) {
				assertThat(context.getBean(org.springframework.jdbc.core.JdbcTemplate.class).queryForObject(
						"select count(*) from pg_indexes where indexname = 'batch_job_execution_instance_idx'",
						Integer.class)).as("the index the purge's and every launch's reads need").isEqualTo(1);
			}

			// why: the PostgreSQL database outlives this test; leave no unacknowledged failure to the others' counts
			context.getBean(FailureAcknowledgements.class).acknowledge(oldFailed.getId(), "operator");
			context.getBean(JobRunner.class).launch("retentionJob", new JobParameters());
			assertThat(exists(repository, oldFailed)).isFalse();
		}
	}

	@ParameterizedTest
	@MethodSource("repositories")
	void acknowledgesOnlyExecutionsThatFailedOrStopped(String database) {
		try (ConfigurableApplicationContext context = jobsOn(database)) {
			JobRepository repository = context.getBean(JobRepository.class);
			FailureAcknowledgements acknowledgements = context.getBean(FailureAcknowledgements.class);
			JobExecution completed = ended(repository, "applyEventsJob", BatchStatus.COMPLETED, 1);
			JobExecution stopped = ended(repository, "applyEventsJob", BatchStatus.STOPPED, 1);

			acknowledgements.acknowledge(stopped.getId(), "operator");
			acknowledgements.acknowledge(stopped.getId(), "another operator");

			assertThat(acknowledgements.isAcknowledged(stopped.getId())).isTrue();
			assertThatThrownBy(() -> acknowledgements.acknowledge(completed.getId(), "operator"))
				.hasMessage("job execution " + completed.getId() + " is COMPLETED, not FAILED, STOPPED or UNKNOWN");
			assertThatThrownBy(() -> acknowledgements.acknowledge(-1, "operator")).hasMessage("no job execution -1");
		}
	}
}
