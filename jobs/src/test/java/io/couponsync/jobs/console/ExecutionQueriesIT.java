package io.couponsync.jobs.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

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
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.couponsync.jobs.console.ExecutionQueries.ExecutionPage;
import io.couponsync.jobs.console.ExecutionViews.ExecutionSummary;

/**
 * The console's execution list on the job repository's own tables, on H2 and on a real PostgreSQL (Spring Batch's
 * schema scripts for each): the date filter reaches executions however many newer ones there are, its bounds are
 * whole days inclusive, and pages follow one another newest first without gaps or repeats.
 */
class ExecutionQueriesIT {

	private static EmbeddedPostgres postgres;

	private static final List<Repository> repositories = new ArrayList<>();

	/** A job repository on one database, with the queries over it. */
	record Repository(String name, JobRepository jobs, ExecutionQueries queries) {

		@Override
		public String toString() {
			return name;
		}
	}

	@BeforeAll
	static void createRepositories() throws Exception {
		postgres = EmbeddedPostgres.builder().start();
		DriverManagerDataSource h2 = new DriverManagerDataSource(
				"jdbc:h2:mem:execution-queries-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		repositories.add(repository("H2", h2, "org/springframework/batch/core/schema-h2.sql"));
		repositories.add(repository("PostgreSQL", postgres.getPostgresDatabase(),
				"org/springframework/batch/core/schema-postgresql.sql"));
	}

	@AfterAll
	static void stopPostgres() throws Exception {
		postgres.close();
	}

	private static Repository repository(String name, DataSource dataSource, String schema) throws Exception {
		new ResourceDatabasePopulator(new ClassPathResource(schema)).execute(dataSource);
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(dataSource);
		factory.setTransactionManager(new DataSourceTransactionManager(dataSource));
		factory.afterPropertiesSet();
		JobRepository jobs = factory.getObject();
		return new Repository(name, jobs, new ExecutionQueries(jobs, new JdbcTemplate(dataSource), List.of()));
	}

	static Stream<Repository> repositories() {
		return repositories.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("repositories")
	void theDateFilterReachesExecutionsBehindAnyNumberOfNewerOnes(Repository repository) {
		String job = "everySecondJob-" + UUID.randomUUID();
		LocalDate oldDay = LocalDate.of(2025, 1, 10);
		List<Long> old = new ArrayList<>();
		for (int i = 0; i < 230; i++) {
			old.add(execution(repository, job, oldDay.atTime(10, 0).plusSeconds(i), BatchStatus.COMPLETED).getId());
		}
		// more newer instances than the console used to look at (200 per job), as a job run every second leaves
		for (int i = 0; i < 250; i++) {
			execution(repository, job, LocalDateTime.of(2025, 3, 1, 0, 0).plusSeconds(i), BatchStatus.COMPLETED);
		}

		ExecutionFilter onTheOldDay = new ExecutionFilter(job, null, oldDay, oldDay);
		List<Long> found = new ArrayList<>();
		ExecutionPage page = repository.queries().executions(onTheOldDay, 0, 100);
		found.addAll(ids(page));
		assertThat(page.hasOlder()).isTrue();
		page = repository.queries().executions(onTheOldDay, 1, 100);
		found.addAll(ids(page));
		assertThat(page.hasOlder()).isTrue();
		page = repository.queries().executions(onTheOldDay, 2, 100);
		found.addAll(ids(page));
		assertThat(page.executions()).hasSize(30);
		assertThat(page.hasOlder()).isFalse();
		assertThat(repository.queries().executions(onTheOldDay, 3, 100).executions()).isEmpty();

		Collections.reverse(old);
		assertThat(found).as("every execution of the old day, newest first, each once").containsExactlyElementsOf(old);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("repositories")
	void fromAndToAreWholeDaysInclusive(Repository repository) {
		String job = "datedJob-" + UUID.randomUUID();
		LocalDate day = LocalDate.of(2025, 6, 15);
		long dayBefore = execution(repository, job, day.minusDays(1).atTime(23, 59, 59, 999_000_000),
				BatchStatus.COMPLETED).getId();
		long dayStart = execution(repository, job, day.atStartOfDay(), BatchStatus.COMPLETED).getId();
		long dayEnd = execution(repository, job, day.atTime(23, 59, 59, 999_000_000), BatchStatus.FAILED).getId();
		long dayAfter = execution(repository, job, day.plusDays(1).atTime(LocalTime.MIDNIGHT), BatchStatus.COMPLETED)
			.getId();

		assertThat(ids(repository, new ExecutionFilter(job, null, day, day))).containsExactly(dayEnd, dayStart);
		assertThat(ids(repository, new ExecutionFilter(job, null, day, null))).containsExactly(dayAfter, dayEnd,
				dayStart);
		assertThat(ids(repository, new ExecutionFilter(job, null, null, day))).containsExactly(dayEnd, dayStart,
				dayBefore);
		assertThat(ids(repository, new ExecutionFilter(job, null, null, null))).containsExactly(dayAfter, dayEnd,
				dayStart, dayBefore);
		assertThat(ids(repository, new ExecutionFilter(job, BatchStatus.FAILED, day, day))).containsExactly(dayEnd);
		assertThat(ids(repository, new ExecutionFilter(job, BatchStatus.STOPPED, null, null))).isEmpty();
		assertThat(ids(repository, new ExecutionFilter(job + "-other", null, null, null))).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("repositories")
	void aRowCarriesWhatTheListShows(Repository repository) {
		String job = "shownJob-" + UUID.randomUUID();
		LocalDateTime created = LocalDateTime.of(2025, 8, 1, 12, 0);
		JobExecution failed = execution(repository, job, created, BatchStatus.FAILED);
		JobExecution running = execution(repository, job, created.plusMinutes(1), BatchStatus.STARTED);

		List<ExecutionSummary> rows = repository.queries()
			.executions(new ExecutionFilter(job, null, null, null), 0, 10).executions();

		assertThat(rows)
			.extracting(ExecutionSummary::id, ExecutionSummary::jobName, ExecutionSummary::instanceId,
					ExecutionSummary::status, ExecutionSummary::startTime, ExecutionSummary::endTime,
					ExecutionSummary::restartable, ExecutionSummary::stoppable, ExecutionSummary::abandonable)
			.containsExactly(
					tuple(running.getId(), job, running.getJobInstance().getInstanceId(), "STARTED",
							created.plusMinutes(1), null, false, true, false),
					tuple(failed.getId(), job, failed.getJobInstance().getInstanceId(), "FAILED", created,
							created.plusMinutes(1), true, false, true));
		assertThat(rows).extracting(ExecutionSummary::exitCode).containsExactly(
				repository.jobs().getJobExecution(running.getId()).getExitStatus().getExitCode(),
				repository.jobs().getJobExecution(failed.getId()).getExitStatus().getExitCode());
		assertThat(rows.get(1).durationMillis()).isEqualTo(60_000L);
	}

	/** An execution of a new instance of the job, created at {@code created}, ended a minute later unless running. */
	private static JobExecution execution(Repository repository, String job, LocalDateTime created,
			BatchStatus status) {
		JobParameters parameters = new JobParametersBuilder().addString("unit", UUID.randomUUID().toString())
			.toJobParameters();
		JobExecution execution = repository.jobs().createJobExecution(
				repository.jobs().createJobInstance(job, parameters), parameters, new ExecutionContext());
		execution.setCreateTime(created);
		execution.setStartTime(created);
		execution.setStatus(status);
		if (!status.isRunning()) {
			execution.setEndTime(created.plusMinutes(1));
		}
		repository.jobs().update(execution);
		return execution;
	}

	private static List<Long> ids(Repository repository, ExecutionFilter filter) {
		return ids(repository.queries().executions(filter, 0, 100));
	}

	private static List<Long> ids(ExecutionPage page) {
		return page.executions().stream().map(ExecutionSummary::id).toList();
	}
}
