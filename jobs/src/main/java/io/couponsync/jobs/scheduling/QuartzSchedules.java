package io.couponsync.jobs.scheduling;

import java.util.Date;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;

import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ScheduleBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.platform.config.InvalidConfigurationException;

/**
 * Makes the Quartz job store match {@code sync.jobs.schedule} at start-up: a durable job per batch job (so an
 * operator can fire any of them), the configured triggers of jobs Quartz owns, and no trigger for a job a
 * CronJob owns or a schedule no longer configured. Keys, for any tool that manages the schedules:
 * {@code JobKey.jobKey(<batch job name>, "batch-jobs")} and {@code TriggerKey.triggerKey(<trigger name>,
 * "batch-jobs")}, where a trigger's name is its job's unless the job has several (e.g. {@code reconcileJob-full}).
 */
public final class QuartzSchedules {

	/** The group of every job and trigger that launches a batch job. */
	public static final String GROUP = "batch-jobs";

	private static final Logger log = LoggerFactory.getLogger(QuartzSchedules.class);

	private final Scheduler scheduler;

	private final ScheduleProperties properties;

	private final Set<String> jobNames;

	public QuartzSchedules(Scheduler scheduler, ScheduleProperties properties, Set<String> jobNames) {
		this.scheduler = scheduler;
		this.properties = properties;
		this.jobNames = jobNames;
	}

	public static JobKey jobKey(String batchJobName) {
		return JobKey.jobKey(batchJobName, GROUP);
	}

	public static TriggerKey triggerKey(String triggerName) {
		return TriggerKey.triggerKey(triggerName, GROUP);
	}

	/** Checks every schedule names a job, before anything is stored. */
	public void validate() {
		properties.triggers().forEach((name, trigger) -> {
			if (!jobNames.contains(trigger.jobOr(name))) {
				throw new InvalidConfigurationException("sync.jobs.schedule.triggers." + name
						+ (trigger.job() == null ? "" : ".job"), trigger.jobOr(name), "no such job; jobs: " + jobNames,
						null);
			}
		});
	}

	public void register() throws SchedulerException {
		validate();
		for (String job : jobNames) {
			JobDetail detail = JobBuilder.newJob(BatchJobLaunch.class).withIdentity(jobKey(job))
				.withDescription("launches the batch job " + job).storeDurably().build();
			scheduler.addJob(detail, true);
		}
		Set<TriggerKey> wanted = new HashSet<>();
		for (Map.Entry<String, ScheduleProperties.Trigger> entry : properties.triggers().entrySet()) {
			ScheduleProperties.Trigger schedule = entry.getValue();
			if (schedule.owner() == ScheduleProperties.Owner.CRONJOB) {
				continue;
			}
			Trigger trigger = trigger(entry.getKey(), schedule);
			wanted.add(trigger.getKey());
			if (scheduler.checkExists(trigger.getKey())) {
				scheduler.rescheduleJob(trigger.getKey(), trigger);
			}
			else {
				scheduler.scheduleJob(trigger);
			}
		}
		for (TriggerKey stored : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
			if (!wanted.contains(stored)) {
				log.info("Removing trigger {}: no longer scheduled in Quartz", stored.getName());
				scheduler.unscheduleJob(stored);
			}
		}
		log.info("Quartz triggers: {}", wanted.stream().map(TriggerKey::getName).sorted().toList());
	}

	private Trigger trigger(String name, ScheduleProperties.Trigger schedule) {
		boolean fireOnceNow = schedule.misfire() == ScheduleProperties.Misfire.FIRE_ONCE_NOW;
		ScheduleBuilder<? extends Trigger> when;
		Date start;
		if (schedule.cron() != null && !schedule.cron().isBlank()) {
			CronScheduleBuilder cron = CronScheduleBuilder.cronSchedule(schedule.cron())
				.inTimeZone(TimeZone.getTimeZone(schedule.timeZoneOr(properties.timeZone())));
			when = fireOnceNow ? cron.withMisfireHandlingInstructionFireAndProceed()
					: cron.withMisfireHandlingInstructionDoNothing();
			start = new Date();
		}
		else {
			SimpleScheduleBuilder interval = SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(schedule.interval().toMillis()).repeatForever();
			when = fireOnceNow ? interval.withMisfireHandlingInstructionNowWithExistingCount()
					: interval.withMisfireHandlingInstructionNextWithRemainingCount();
			// why: the first run waits one interval, so a restarted node does not, say, list every account at once
			start = new Date(System.currentTimeMillis() + schedule.interval().toMillis());
		}
		return TriggerBuilder.newTrigger().withIdentity(triggerKey(name)).forJob(jobKey(schedule.jobOr(name)))
			.usingJobData(new JobDataMap(schedule.parameters())).withSchedule(when).startAt(start).build();
	}
}
