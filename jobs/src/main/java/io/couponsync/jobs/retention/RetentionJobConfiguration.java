package io.couponsync.jobs.retention;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobParameterRules;
import io.couponsync.jobs.batch.JobsProperties;

/**
 * retentionJob: purges the job repository's executions older than {@code sync.jobs.retention.days} (or the
 * {@code retentionDays} parameter), keeping failed and stopped ones until an operator acknowledges them
 * ({@link FailureAcknowledgements}). Quartz keeps no history to purge: its fired-trigger rows last only while a
 * trigger fires.
 */
@Configuration(proxyBeanMethods = false)
public class RetentionJobConfiguration {

	public static final String JOB_NAME = "retentionJob";

	@Bean
	FailureAcknowledgements failureAcknowledgements(DataSource dataSource, JobRepository jobRepository) {
		return new FailureAcknowledgements(new JdbcTemplate(dataSource), jobRepository, Clock.systemUTC());
	}

	@Bean
	@StepScope
	ExecutionPurgeTasklet retentionPurgeTasklet(JobRepository jobRepository, DataSource dataSource,
			FailureAcknowledgements acknowledgements, JobsProperties properties,
			@Value("#{jobParameters['retentionDays']}") Long retentionDays) {
		long days = retentionDays != null ? retentionDays : properties.retention().days();
		if (days < 1) {
			throw new IllegalArgumentException(JOB_NAME + ": retentionDays=" + days + " is less than 1");
		}
		return new ExecutionPurgeTasklet(jobRepository, new JdbcTemplate(dataSource), acknowledgements,
				Clock.systemUTC(), Math.toIntExact(days));
	}

	@Bean
	Step retentionPurgeStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			ExecutionPurgeTasklet retentionPurgeTasklet) {
		return new StepBuilder("retentionPurgeStep", jobRepository).tasklet(retentionPurgeTasklet, transactionManager)
			.build();
	}

	@Bean
	Job retentionJob(JobRepository jobRepository, Step retentionPurgeStep, InFlightExecutions inFlightExecutions) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions)
			.validator(JobParameterRules.of(JOB_NAME).wholeNumber("retentionDays", 1, 36_500))
			.start(retentionPurgeStep)
			.build();
	}
}
