package io.couponsync.jobs.batch;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Each job's figures as meters, named for what an alert asks: {@code sync.job.duration} (timer per job and status),
 * {@code sync.job.skips} (items skipped per job and step: dead letters and the like) and {@code sync.job.last.failed}
 * (1 while a job's last execution ended FAILED). Spring Batch's own observations ({@code spring.batch.job},
 * {@code spring.batch.step}) time the same runs; these add the skips and a level an alert can hold on.
 */
public class JobMetrics implements JobExecutionListener, StepExecutionListener {

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> lastFailed = new ConcurrentHashMap<>();

	public JobMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Registers a job's level gauge before its first run, so an alert sees 0 rather than nothing. */
	void register(String jobName) {
		lastFailed.computeIfAbsent(jobName, name -> {
			AtomicInteger failed = new AtomicInteger();
			Gauge.builder("sync.job.last.failed", failed, AtomicInteger::get).tag("job", name)
				.description("1 while the job's last execution ended FAILED").register(registry);
			return failed;
		});
	}

	@Override
	public void afterJob(JobExecution execution) {
		String job = execution.getJobInstance().getJobName();
		register(job);
		lastFailed.get(job).set(execution.getStatus() == BatchStatus.FAILED ? 1 : 0);
		if (execution.getStartTime() != null && execution.getEndTime() != null) {
			Timer.builder("sync.job.duration").tag("job", job).tag("status", execution.getStatus().name())
				.description("job executions, from start to end").register(registry)
				.record(Duration.between(execution.getStartTime(), execution.getEndTime()));
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution step) {
		Counter.builder("sync.job.skips").tag("job", step.getJobExecution().getJobInstance().getJobName())
			.tag("step", step.getStepName()).description("items skipped (read, process and write skips)")
			.register(registry).increment(step.getSkipCount());
		return null;
	}
}
