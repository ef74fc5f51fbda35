package io.couponsync.jobs.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Each job's last execution as the job repository records it, published as gauges per job:
 * {@code sync.job.last.failed} (1 while the last ended execution FAILED), {@code sync.job.last.duration.seconds} and
 * {@code sync.job.last.skips} (of that execution) and {@code sync.job.last.completed.age.seconds} (since the newest
 * COMPLETED one ended). why the repository and not the process's own runs: every process shares it, so the console's
 * long-running process reports the runs of CronJob pods that exit before any scrape. Every jobs process publishes the
 * same values; alerts take one per job ({@code max by (job)}). Measured for all jobs at once and reused for a few
 * seconds, since a scrape reads every gauge.
 */
public final class LastExecutionGauges {

	/** Instances looked through, newest first, for the last ended and the last completed execution. */
	private static final int INSTANCES = 20;

	private final JobRepository repository;

	private final Collection<String> jobNames;

	private final Duration reuse;

	/** Reads the ages the gauges report; the measurements' reuse is timed by the system clock. */
	private final Clock clock;

	private Map<String, LastExecutions> measured = Map.of();

	private Instant measuredAt = Instant.MIN;

	public LastExecutionGauges(MeterRegistry registry, JobRepository repository, Collection<String> jobNames,
			Clock clock) {
		this(registry, repository, jobNames, clock, Duration.ofSeconds(5));
	}

	LastExecutionGauges(MeterRegistry registry, JobRepository repository, Collection<String> jobNames, Clock clock,
			Duration reuse) {
		this.repository = repository;
		this.jobNames = jobNames;
		this.clock = clock;
		this.reuse = reuse;
		for (String job : jobNames) {
			gauge(registry, "sync.job.last.failed", job, "1 while the job's last ended execution FAILED",
					last -> last.ended() != null && last.ended().getStatus() == BatchStatus.FAILED ? 1 : 0);
			gauge(registry, "sync.job.last.duration.seconds", job,
					"start to end of the job's last ended execution (NaN: none yet)",
					last -> last.ended() == null || last.ended().getStartTime() == null ? Double.NaN
							: Duration.between(last.ended().getStartTime(), last.ended().getEndTime()).toMillis()
									/ 1000.0);
			gauge(registry, "sync.job.last.skips", job, "items the job's last ended execution skipped",
					last -> last.ended() == null ? 0
							: last.ended().getStepExecutions().stream().mapToLong(StepExecution::getSkipCount).sum());
			gauge(registry, "sync.job.last.completed.age.seconds", job,
					"seconds since the job's newest COMPLETED execution ended (NaN: none among its recent instances)",
					last -> last.completedAt() == null ? Double.NaN
							// why: the repository holds the writing host's local time, as this host reads it
							: Math.max(0, Duration.between(last.completedAt(), LocalDateTime.now(clock)).toMillis() / 1000.0));
		}
	}

	private void gauge(MeterRegistry registry, String name, String job, String description,
			ToDoubleFunction<LastExecutions> value) {
		Gauge.builder(name, this, gauges -> value.applyAsDouble(gauges.current().get(job))).tag("job", job)
			.description(description).register(registry);
	}

	private synchronized Map<String, LastExecutions> current() {
		if (measuredAt.plus(reuse).isBefore(Instant.now())) {
			Map<String, LastExecutions> now = new HashMap<>();
			for (String job : jobNames) {
				now.put(job, measure(job));
			}
			measured = now;
			measuredAt = Instant.now();
		}
		return measured;
	}

	/** The last execution of each of the job's newest instances, newest first, until both are found. */
	private LastExecutions measure(String job) {
		JobExecution ended = null;
		LocalDateTime completedAt = null;
		for (JobInstance instance : repository.getJobInstances(job, 0, INSTANCES)) {
			JobExecution last = repository.getLastJobExecution(instance);
			if (last == null || last.getStatus().isRunning() || last.getEndTime() == null) {
				continue;
			}
			if (ended == null) {
				ended = last;
			}
			if (last.getStatus() == BatchStatus.COMPLETED) {
				completedAt = last.getEndTime();
				break;
			}
		}
		return new LastExecutions(ended, completedAt);
	}

	/** A job's last ended execution and when its newest completed one ended; either may be null. */
	private record LastExecutions(JobExecution ended, LocalDateTime completedAt) {
	}
}
