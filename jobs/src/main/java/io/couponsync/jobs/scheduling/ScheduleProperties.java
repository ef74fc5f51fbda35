package io.couponsync.jobs.scheduling;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.quartz.CronExpression;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When the jobs run: one Quartz trigger per entry, in a clustered JDBC job store on the job repository's database.
 *
 * @param enabled run the Quartz scheduler in this process (the one-process default and the jobs Deployment); false
 * where only Kubernetes CronJobs and the run command launch jobs
 * @param timeZone the time zone cron expressions are read in, unless a trigger names its own
 * @param triggers the schedules, by trigger name (a batch job's name, or another name with {@code job} set)
 */
@Validated
// why: a misspelt key (parameter: for parameters:) would be dropped in silence, and a full reconciliation trigger
// run incremental ones
@ConfigurationProperties(prefix = "sync.jobs.schedule", ignoreUnknownFields = false)
public record ScheduleProperties(@DefaultValue("true") boolean enabled,
		@NotNull @DefaultValue("UTC") ZoneId timeZone, @NotNull @DefaultValue Map<String, @Valid @NotNull Trigger> triggers) {

	/** Who launches a job: Quartz in the jobs application, or a Kubernetes CronJob running the run command. */
	public enum Owner {
		QUARTZ, CRONJOB
	}

	/** What Quartz does with fire times missed while no node could run the trigger (all down, or the job busy). */
	public enum Misfire {
		/** Skip them and wait for the next fire time: right for jobs that run every few seconds anyway. */
		SKIP,
		/** Fire once at once, then keep the schedule: right for rare runs such as a full reconciliation. */
		FIRE_ONCE_NOW
	}

	/**
	 * @param job the batch job to launch; blank: the trigger's own name
	 * @param owner who launches it; a job owned by {@code cronjob} has no trigger in Quartz
	 * @param cron a Quartz cron expression (seconds first), or
	 * @param interval a fixed interval between fire times (one of the two)
	 * @param timeZone the time zone its cron expression is read in; blank: the schedule's
	 * @param misfire what to do with missed fire times
	 * @param parameters job parameters for each launch, as text (e.g. {@code mode: full})
	 */
	public record Trigger(String job, @NotNull @DefaultValue("quartz") Owner owner, String cron, Duration interval,
			ZoneId timeZone, @NotNull @DefaultValue("skip") Misfire misfire,
			@NotNull @DefaultValue Map<String, String> parameters) {

		public String jobOr(String triggerName) {
			return job == null || job.isBlank() ? triggerName : job;
		}

		public ZoneId timeZoneOr(ZoneId scheduleTimeZone) {
			return timeZone == null ? scheduleTimeZone : timeZone;
		}

		@AssertTrue(message = "applies to cron expressions only; an interval is the same in every time zone")
		public boolean isTimeZoneForCron() {
			return timeZone == null || (cron != null && !cron.isBlank());
		}

		@AssertTrue(message = "needs either cron or interval, not both")
		public boolean isCronOrInterval() {
			return (cron == null || cron.isBlank()) != (interval == null);
		}

		@AssertTrue(message = "must be a Quartz cron expression (seconds minutes hours day-of-month month day-of-week)")
		public boolean isCronValid() {
			return cron == null || cron.isBlank() || CronExpression.isValidExpression(cron);
		}

		@AssertTrue(message = "must be at least 100ms")
		public boolean isIntervalPositive() {
			return interval == null || interval.compareTo(Duration.ofMillis(100)) >= 0;
		}
	}
}
