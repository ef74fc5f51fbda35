package io.couponsync.jobs.scheduling;

import java.util.Properties;

import javax.sql.DataSource;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.quartz.autoconfigure.QuartzProperties;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.jobs.batch.JobRepositoryDatabase;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.TextJobParameters;
import io.couponsync.platform.config.InvalidConfigurationException;

/**
 * Quartz, as Spring Boot configures it from {@code spring.quartz} (the packaged application.yml: JDBC job store on
 * the job repository's datasource, clustered, instance id AUTO), started only where {@code sync.jobs.schedule.enabled}
 * and with its triggers set from {@code sync.jobs.schedule.triggers} at start-up. The commands exclude Quartz.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ScheduleProperties.class)
class QuartzSchedulingConfiguration {

	@Bean
	SchedulerFactoryBeanCustomizer jobsSchedulerCustomizer(ScheduleProperties schedule,
			ObjectProvider<QuartzProperties> quartz, DataSource dataSource) {
		return factory -> {
			factory.setAutoStartup(schedule.enabled());
			Properties properties = new Properties();
			properties.putAll(quartz.getObject().getProperties());
			// why: Quartz stores its job data as BYTEA on PostgreSQL, which only its PostgreSQL delegate reads
			properties.putIfAbsent("org.quartz.jobStore.driverDelegateClass", JobRepositoryDatabase.isPostgres(dataSource)
					? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
			factory.setQuartzProperties(properties);
		};
	}

	/**
	 * Checks the schedules and, where this process runs Quartz, stores them before it starts. No scheduler: a
	 * command, which excludes Quartz (see {@code CommandContext}).
	 */
	@Bean
	SmartInitializingSingleton quartzSchedulesRegistration(ObjectProvider<Scheduler> scheduler,
			ScheduleProperties schedule, JobRunner runner) {
		return () -> scheduler.ifAvailable(quartz -> {
			QuartzSchedules schedules = new QuartzSchedules(quartz, schedule, runner.jobNames());
			schedules.validate();
			checkParameters(schedule, runner);
			if (!schedule.enabled()) {
				return;
			}
			try {
				schedules.register();
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException("Cannot store the Quartz schedules: " + ex.getMessage(), ex);
			}
		});
	}

	/**
	 * Checks each trigger's parameters as its job's launch will. why: a bad one would otherwise fail every fire with
	 * a log line and no execution, so no alert on failed executions would ever say so.
	 */
	private static void checkParameters(ScheduleProperties schedule, JobRunner runner) {
		schedule.triggers().forEach((name, trigger) -> {
			try {
				runner.checkParameters(trigger.jobOr(name), TextJobParameters.of(trigger.parameters()));
			}
			catch (JobExecutionException ex) {
				throw new InvalidConfigurationException("sync.jobs.schedule.triggers." + name + ".parameters",
						trigger.parameters().toString(), ex.getMessage(), ex);
			}
		});
	}
}
