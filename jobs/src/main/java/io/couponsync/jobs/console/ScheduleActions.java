package io.couponsync.jobs.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;

import io.couponsync.jobs.scheduling.QuartzSchedules;
import io.couponsync.jobs.scheduling.ScheduleProperties;

/**
 * The schedules of {@code sync.jobs.schedule.triggers} as Quartz holds them, and pause, resume and fire-now on a
 * Quartz-owned trigger, through the {@link Scheduler} bean. A process without Quartz (no such bean) lists nothing
 * and refuses every action.
 */
class ScheduleActions {

	private final ObjectProvider<Scheduler> scheduler;

	private final ScheduleProperties properties;

	ScheduleActions(ObjectProvider<Scheduler> scheduler, ScheduleProperties properties) {
		this.scheduler = scheduler;
		this.properties = properties;
	}

	boolean quartzAvailable() {
		return scheduler.getIfAvailable() != null;
	}

	/** The schedules as Quartz holds them; refused where Quartz does not run in this process. */
	List<ScheduleView> schedules() {
		return views(quartz());
	}

	/**
	 * The configured schedules: as Quartz holds them where it runs in this process, else as configured only (owner,
	 * cron or interval; no state or fire times, {@code CRONJOB} as the state of a CronJob's).
	 */
	List<ScheduleView> configured() {
		return views(scheduler.getIfAvailable());
	}

	private List<ScheduleView> views(Scheduler quartz) {
		List<ScheduleView> views = new ArrayList<>();
		for (Map.Entry<String, ScheduleProperties.Trigger> entry : new TreeMap<>(properties.triggers()).entrySet()) {
			ScheduleProperties.Trigger schedule = entry.getValue();
			String cron = schedule.cron() == null || schedule.cron().isBlank() ? null : schedule.cron();
			String interval = schedule.interval() == null ? null : schedule.interval().toString();
			Trigger trigger = quartz == null ? null : trigger(quartz, entry.getKey());
			String state = schedule.owner() == ScheduleProperties.Owner.CRONJOB && trigger == null ? "CRONJOB"
					: quartz == null ? null : trigger == null ? "NONE" : state(quartz, trigger.getKey());
			views.add(new ScheduleView(entry.getKey(), schedule.jobOr(entry.getKey()),
					schedule.owner().name().toLowerCase(), cron, interval, state,
					trigger == null ? null : instant(trigger.getNextFireTime()),
					trigger == null ? null : instant(trigger.getPreviousFireTime())));
		}
		return views;
	}

	ActionResult pause(String triggerName) {
		Trigger trigger = existing(triggerName);
		try {
			quartz().pauseTrigger(trigger.getKey());
		}
		catch (SchedulerException ex) {
			throw refused("pause", triggerName, ex);
		}
		return new ActionResult("Trigger " + triggerName + " paused; it fires again once resumed", null);
	}

	ActionResult resume(String triggerName) {
		Trigger trigger = existing(triggerName);
		try {
			quartz().resumeTrigger(trigger.getKey());
		}
		catch (SchedulerException ex) {
			throw refused("resume", triggerName, ex);
		}
		return new ActionResult("Trigger " + triggerName + " resumed (fire times missed while paused follow its "
				+ "misfire setting)", null);
	}

	ActionResult triggerNow(String triggerName) {
		Trigger trigger = existing(triggerName);
		try {
			// why: the trigger's own job data carries its parameters (e.g. mode: full), so the run is the scheduled one
			quartz().triggerJob(trigger.getJobKey(), trigger.getJobDataMap());
		}
		catch (SchedulerException ex) {
			throw refused("fire", triggerName, ex);
		}
		return new ActionResult("Trigger " + triggerName + " fired: " + trigger.getJobKey().getName()
				+ " launches on the next free Quartz thread (its executions show in the job's list)", null);
	}

	private Scheduler quartz() {
		Scheduler quartz = scheduler.getIfAvailable();
		if (quartz == null) {
			throw new ConsoleActionException(HttpStatus.CONFLICT, "Quartz does not run in this process");
		}
		return quartz;
	}

	private Trigger existing(String triggerName) {
		Trigger trigger = trigger(quartz(), triggerName);
		if (trigger == null) {
			throw new ConsoleActionException(HttpStatus.NOT_FOUND, "no Quartz trigger named '" + triggerName
					+ "' (a schedule owned by a CronJob has none)");
		}
		return trigger;
	}

	private static Trigger trigger(Scheduler quartz, String name) {
		try {
			return quartz.getTrigger(QuartzSchedules.triggerKey(name));
		}
		catch (SchedulerException ex) {
			throw refused("read", name, ex);
		}
	}

	private static String state(Scheduler quartz, TriggerKey key) {
		try {
			return quartz.getTriggerState(key).name();
		}
		catch (SchedulerException ex) {
			throw refused("read", key.getName(), ex);
		}
	}

	private static Instant instant(Date date) {
		return date == null ? null : date.toInstant();
	}

	private static ConsoleActionException refused(String action, String triggerName, SchedulerException ex) {
		return new ConsoleActionException(HttpStatus.CONFLICT,
				"cannot " + action + " trigger " + triggerName + ": " + ex.getMessage());
	}
}
