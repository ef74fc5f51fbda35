package io.couponsync.jobs.batch;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.platform.mongo.MongoStoreConfiguration.EmbeddedMongoServerHolder;

/**
 * Shared batch infrastructure: the job runner, the start-up/shutdown handling of executions, and what every job run
 * gets (its execution id in the logs, its meters).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobsProperties.class)
public class BatchConfiguration {

	@Bean
	JobRunner jobRunner(JobOperator jobOperator, JobRepository jobRepository) {
		return new JobRunner(jobOperator, jobRepository);
	}

	@Bean
	JobLifecycle jobLifecycle(JobOperator jobOperator, JobRepository jobRepository, JobsProperties properties,
			List<Job> jobs, InFlightExecutions inFlightExecutions, ObjectProvider<EmbeddedMongoServerHolder> embedded) {
		EmbeddedMongoServerHolder holder = embedded.getIfAvailable();
		return new JobLifecycle(jobOperator, jobRepository, properties, jobs, inFlightExecutions,
				holder != null && holder.attached());
	}

	@Bean
	InFlightExecutions inFlightExecutions() {
		return new InFlightExecutions();
	}

	@Bean
	SyncGauges syncGauges(ObjectProvider<MeterRegistry> registry) {
		return new SyncGauges(registry.getIfAvailable(SimpleMeterRegistry::new));
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
