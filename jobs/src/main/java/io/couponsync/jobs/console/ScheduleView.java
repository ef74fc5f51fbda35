package io.couponsync.jobs.console;

import java.time.Instant;

/**
 * One configured schedule: its trigger, the job it launches, who owns it, when, and (for a Quartz trigger) its
 * state and fire times; a CronJob-owned schedule has no Quartz trigger, so no state or fire times, and where
 * Quartz does not run in this process no schedule has them (state null).
 */
record ScheduleView(String trigger, String job, String owner, String cron, String interval, String state,
		Instant nextFireTime, Instant previousFireTime) {
}
