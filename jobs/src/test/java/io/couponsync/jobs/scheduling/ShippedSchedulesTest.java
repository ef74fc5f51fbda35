package io.couponsync.jobs.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

import io.couponsync.jobs.applyevents.ApplyEventsJobConfiguration;
import io.couponsync.jobs.backfill.BackfillJobConfiguration;
import io.couponsync.jobs.finality.FinalityJobConfiguration;
import io.couponsync.jobs.orphans.OrphanCleanupJobConfiguration;
import io.couponsync.jobs.reconcile.ReconcileJobConfiguration;
import io.couponsync.jobs.retention.RetentionJobConfiguration;

/**
 * The schedules the repository ships in {@code config/jobs.yml}, as Quartz triggers: read from the file itself
 * (tests of the jobs module run from {@code jobs/}, where the application does not find it, and set their own
 * triggers), bound and validated as at start-up, and registered in a scheduler that is never started. The expected
 * misfire policies are the scheduling issue's: skip missed fire times for the jobs that run every few seconds, fire
 * once at once for reconciliation and retention, which run rarely and must not wait another period.
 */
class ShippedSchedulesTest {

	private static final Path JOBS_YML = Path.of("..", "config", "jobs.yml");

	private static final Set<String> JOBS = Set.of(ApplyEventsJobConfiguration.JOB_NAME,
			BackfillJobConfiguration.JOB_NAME, FinalityJobConfiguration.JOB_NAME, ReconcileJobConfiguration.JOB_NAME,
			OrphanCleanupJobConfiguration.JOB_NAME, RetentionJobConfiguration.JOB_NAME);

	private Scheduler scheduler;

	@BeforeEach
	void standbyScheduler() throws Exception {
		Properties quartz = new Properties();
		quartz.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "shipped-schedules-" + System.nanoTime());
		quartz.setProperty("org.quartz.threadPool.threadCount", "1");
		quartz.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
		scheduler = new StdSchedulerFactory(quartz).getScheduler();
	}

	@AfterEach
	void shutdown() throws Exception {
		scheduler.shutdown();
	}

	@Test
	void everyShippedTriggerHasTheScheduleAndMisfirePolicyItsJobNeeds() throws Exception {
		ScheduleProperties shipped = shippedSchedule();
		new QuartzSchedules(scheduler, shipped, JOBS).register();

		Map<String, Trigger> triggers = new LinkedHashMap<>();
		for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(QuartzSchedules.GROUP))) {
			triggers.put(key.getName(), scheduler.getTrigger(key));
		}
		assertThat(shipped.enabled()).as("Quartz runs in the one-process default").isTrue();
		assertThat(triggers.keySet()).containsExactlyInAnyOrder("backfillJob", "applyEventsJob", "finalityJob",
				"reconcileJob", "reconcileJob-full", "orphanCleanupJob", "retentionJob");

		// the frequent jobs: an interval, and missed fire times skipped (the next fire comes in seconds anyway)
		assertInterval(triggers.get("applyEventsJob"), "applyEventsJob", Duration.ofSeconds(1),
				SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT);
		assertInterval(triggers.get("finalityJob"), "finalityJob", Duration.ofSeconds(5),
				SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT);
		assertInterval(triggers.get("backfillJob"), "backfillJob", Duration.ofSeconds(5),
				SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT);
		// reconciliation: fired once at once after a missed time
		assertInterval(triggers.get("reconcileJob"), "reconcileJob", Duration.ofSeconds(10),
				SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NOW_WITH_EXISTING_REPEAT_COUNT);
		CronTrigger full = assertCron(triggers.get("reconcileJob-full"), "reconcileJob", "0 0 */6 * * ?",
				CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
		assertThat(full.getJobDataMap().getString("mode")).isEqualTo("full");
		// hourly orphan marking skips a missed hour; the daily retention purge runs once at once
		assertCron(triggers.get("orphanCleanupJob"), "orphanCleanupJob", "0 15 * * * ?",
				CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
		assertCron(triggers.get("retentionJob"), "retentionJob", "0 30 3 * * ?",
				CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
	}

	private static void assertInterval(Trigger trigger, String job, Duration interval, int misfire) {
		assertThat(trigger).as(job).isInstanceOf(SimpleTrigger.class);
		SimpleTrigger simple = (SimpleTrigger) trigger;
		assertThat(simple.getJobKey()).isEqualTo(JobKey.jobKey(job, QuartzSchedules.GROUP));
		assertThat(simple.getRepeatInterval()).as(trigger.getKey().getName()).isEqualTo(interval.toMillis());
		assertThat(simple.getRepeatCount()).as(trigger.getKey().getName()).isEqualTo(SimpleTrigger.REPEAT_INDEFINITELY);
		assertThat(simple.getMisfireInstruction()).as(trigger.getKey().getName() + " misfire").isEqualTo(misfire);
	}

	private static CronTrigger assertCron(Trigger trigger, String job, String expression, int misfire) {
		assertThat(trigger).as(job).isInstanceOf(CronTrigger.class);
		CronTrigger cron = (CronTrigger) trigger;
		assertThat(cron.getJobKey()).isEqualTo(JobKey.jobKey(job, QuartzSchedules.GROUP));
		assertThat(cron.getCronExpression()).as(trigger.getKey().getName()).isEqualTo(expression);
		assertThat(cron.getTimeZone().getID()).as(trigger.getKey().getName() + " time zone").isEqualTo("UTC");
		assertThat(cron.getMisfireInstruction()).as(trigger.getKey().getName() + " misfire").isEqualTo(misfire);
		return cron;
	}

	/** sync.jobs.schedule as the application binds and validates it from the shipped file alone. */
	private static ScheduleProperties shippedSchedule() throws Exception {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		new YamlPropertySourceLoader().load("jobs.yml", new FileSystemResource(JOBS_YML))
			.forEach(environment.getPropertySources()::addLast);
		ConfigurationPropertySources.attach(environment);
		LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
		validator.afterPropertiesSet();
		try {
			BindHandler validating = new ValidationBindHandler(validator);
			return Binder.get(environment)
				.bindOrCreate("sync.jobs.schedule", Bindable.of(ScheduleProperties.class), validating);
		}
		finally {
			validator.destroy();
		}
	}
}
