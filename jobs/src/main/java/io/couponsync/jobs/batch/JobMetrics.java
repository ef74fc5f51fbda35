package io.couponsync.jobs.batch;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * The runs of this process, as meters: {@code sync.job.duration} (timer per job and status) and
 * {@code sync.job.skips} (items skipped per job and step: dead letters and the like). They count only what this
 * process ran, so they say most where a long-running process schedules the jobs; what alerts and dashboards need in
 * every deployment (a CronJob pod exits before a scrape) comes from the job repository ({@link LastExecutionGauges}).
 * Spring Batch's own observations ({@code spring.batch.job}, {@code spring.batch.step}) time the same runs.
 */
public class JobMetrics implements JobExecutionListener, StepExecutionListener {

	private final MeterRegistry registry;

	public JobMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void afterJob(JobExecution execution) {
		if (execution.getStartTime() != null && execution.getEndTime() != null) {
			Timer.builder("sync.job.duration").tag("job", execution.getJobInstance().getJobName())
				.tag("status", execution.getStatus().name()).description("job executions, from start to end")
				.register(registry).record(Duration.between(execution.getStartTime(), execution.getEndTime()));
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
