package io.couponsync.jobs.console;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;

import org.quartz.Scheduler;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.accountstate.DifferenceReport;
import io.couponsync.jobs.applyevents.DeadLetterStore;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.retention.FailureAcknowledgements;
import io.couponsync.jobs.scheduling.ScheduleProperties;
import io.couponsync.platform.rpc.RpcProbe;

/** The operator's console (pages and REST API) and the pipeline gauges; only where a web server runs. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ConsoleConfiguration {

	@Bean
	ExecutionQueries executionQueries(JobRepository jobRepository, DataSource dataSource, List<Job> jobs) {
		// why: the job repository keeps its tables in the application's one DataSource (Boot's batch auto-configuration)
		return new ExecutionQueries(jobRepository, new JdbcTemplate(dataSource), jobs.stream().map(Job::getName).toList());
	}

	@Bean
	ExecutionActions executionActions(JobOperator jobOperator, JobRepository jobRepository, JobRunner jobRunner,
			List<Job> jobs, FailureAcknowledgements failureAcknowledgements) {
		return new ExecutionActions(jobOperator, jobRepository, jobRunner, jobs, failureAcknowledgements);
	}

	@Bean
	ScheduleActions scheduleActions(ObjectProvider<Scheduler> scheduler, ScheduleProperties scheduleProperties) {
		return new ScheduleActions(scheduler, scheduleProperties);
	}

	@Bean
	DeadLetterActions deadLetterActions(DeadLetterStore deadLetterStore, JobRunner jobRunner) {
		return new DeadLetterActions(deadLetterStore, jobRunner);
	}

	@Bean
	PipelineStatus pipelineStatus(StagingRepository stagingRepository, DeadLetterStore deadLetterStore,
			DifferenceReport differenceReport, JobRepository jobRepository, RpcProbe rpcProbe,
			CoverageRepository coverageRepository, MeterRegistry meterRegistry, ObjectProvider<Clock> clock) {
		return new PipelineStatus(stagingRepository, deadLetterStore, differenceReport, jobRepository,
				rpcProbe, coverageRepository, meterRegistry, clock.getIfAvailable(Clock::systemUTC));
	}
}
