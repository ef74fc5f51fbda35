package io.couponsync.jobs.batch;

import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Shared batch infrastructure: the job runner and the start-up/shutdown handling of executions. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobsProperties.class)
public class BatchConfiguration {

	@Bean
	JobRunner jobRunner(JobOperator jobOperator, JobRepository jobRepository) {
		return new JobRunner(jobOperator, jobRepository);
	}

	@Bean
	JobLifecycle jobLifecycle(JobOperator jobOperator, JobRepository jobRepository, JobsProperties properties) {
		return new JobLifecycle(jobOperator, jobRepository, properties);
	}
}
