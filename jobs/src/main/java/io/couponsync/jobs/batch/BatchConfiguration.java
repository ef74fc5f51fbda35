package io.couponsync.jobs.batch;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchDataSourceScriptDatabaseInitializer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.chain.staging.StagingRepository;

/**
 * Shared batch infrastructure: the job runner, its leases, the start-up/shutdown handling of executions, and what
 * every job run gets (its execution id in the logs, its meters, its failure's root cause), and the gauges read from the
 * shared stores (each job's last execution, unsettled transactions).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobsProperties.class)
public class BatchConfiguration {

	/** Creates the lease table (if absent) in the job repository's database, H2 and PostgreSQL alike. */
	@Bean
	DataSourceScriptDatabaseInitializer jobCoordinationSchemaInitializer(DataSource dataSource) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of("classpath:io/couponsync/jobs/batch/schema-coordination.sql"));
		settings.setMode(DatabaseInitializationMode.ALWAYS);
		return new DataSourceScriptDatabaseInitializer(dataSource, settings);
	}

	/**
	 * Creates, where absent, the indexes Spring Batch's PostgreSQL schema lacks on the columns its queries and deletes
	 * filter by (H2 indexes foreign keys by itself). After Spring Batch's own schema, which it indexes.
	 */
	@Bean
	DataSourceScriptDatabaseInitializer jobRepositoryIndexesInitializer(DataSource dataSource,
			ObjectProvider<BatchDataSourceScriptDatabaseInitializer> batchSchema) {
		batchSchema.ifAvailable(initialized -> {
		});
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(JobRepositoryDatabase.isPostgres(dataSource)
				? List.of("classpath:io/couponsync/jobs/batch/schema-indexes-postgresql.sql") : List.of());
		settings.setMode(DatabaseInitializationMode.ALWAYS);
		return new DataSourceScriptDatabaseInitializer(dataSource, settings);
	}

	/** Once the job repository is open: closing an H2 one is left to the application ({@link H2ExitHook}). */
	@Bean
	SmartInitializingSingleton h2ClosedByTheApplication(DataSource dataSource) {
		return () -> H2ExitHook.leaveClosingTo(dataSource);
	}

	@Bean
	LeaseStore leaseStore(DataSource dataSource, JobsProperties properties) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		// why: a renewal blocked past the heartbeat would hold its lease's expiry unnoticed, and past the ttl another
		// process could take the lease while this execution still writes; timed out, it fails and stops the execution
		jdbc.setQueryTimeout((int) Math.max(1, properties.lease().heartbeat().toSeconds()));
		return new LeaseStore(jdbc, properties.lease().ttl());
	}

	@Bean
	JobRunner jobRunner(JobOperator jobOperator, JobRepository jobRepository, DataSource dataSource, List<Job> jobs,
			LeaseStore leaseStore, InFlightExecutions inFlightExecutions, JobsProperties properties,
			ObjectProvider<MeterRegistry> registry) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		return new JobRunner(jobOperator, jobRepository, new ExecutionsOfWork(jdbc), new StopRequests(jdbc), jobs,
				leaseStore, inFlightExecutions, properties.lease(), registry.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	JobLifecycle jobLifecycle(JobRunner jobRunner, JobsProperties properties,
			InFlightExecutions inFlightExecutions) {
		return new JobLifecycle(jobRunner, properties, inFlightExecutions);
	}

	@Bean
	InFlightExecutions inFlightExecutions() {
		return new InFlightExecutions();
	}

	@Bean
	SyncGauges syncGauges(ObjectProvider<MeterRegistry> registry, StagingRepository staging,
			ObjectProvider<Clock> clock) {
		return new SyncGauges(registry.getIfAvailable(SimpleMeterRegistry::new), staging,
				clock.getIfAvailable(Clock::systemDefaultZone));
	}

	@Bean
	LastExecutionGauges lastExecutionGauges(ObjectProvider<MeterRegistry> registry, JobRepository jobRepository,
			List<Job> jobs, ObjectProvider<Clock> clock) {
		return new LastExecutionGauges(registry.getIfAvailable(SimpleMeterRegistry::new), jobRepository,
				jobs.stream().map(Job::getName).sorted().toList(), clock.getIfAvailable(Clock::systemDefaultZone));
	}

	@Bean
	JobMetrics jobMetrics(ObjectProvider<MeterRegistry> registry) {
		return new JobMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	static JobListenersRegistrar jobListenersRegistrar(ObjectProvider<JobMetrics> jobMetrics) {
		return new JobListenersRegistrar(jobMetrics);
	}
}
