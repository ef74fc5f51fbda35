package io.couponsync.jobs.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.jobs.batch.JobRunner;

/**
 * The one-process default's schedule until Quartz takes over: the signature crawler and applyEventsJob on short
 * fixed delays, so staging stays complete and the read model keeps up with it. A failed run is restarted rather
 * than followed by new instances. {@code sync.jobs.schedule-enabled=false} turns all of it off (CronJobs, the
 * run command); {@code sync.jobs.<job>.schedule-enabled=false} one job.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(prefix = "sync.jobs", name = "schedule-enabled", havingValue = "true", matchIfMissing = true)
class FixedDelayJobLaunches {

	private static final Logger log = LoggerFactory.getLogger(FixedDelayJobLaunches.class);

	@Bean
	@ConditionalOnProperty(prefix = "sync.jobs.apply", name = "schedule-enabled", havingValue = "true",
			matchIfMissing = true)
	ApplyEventsLaunches applyEventsLaunches(JobRunner runner, Job applyEventsJob) {
		return new ApplyEventsLaunches(runner, applyEventsJob);
	}

	@Bean
	@ConditionalOnProperty(prefix = "sync.jobs.backfill", name = "schedule-enabled", havingValue = "true",
			matchIfMissing = true)
	BackfillLaunches backfillLaunches(JobRunner runner, Job backfillJob) {
		return new BackfillLaunches(runner, backfillJob);
	}

	@Bean
	@ConditionalOnProperty(prefix = "sync.jobs.finality", name = "schedule-enabled", havingValue = "true",
			matchIfMissing = true)
	FinalityLaunches finalityLaunches(JobRunner runner, Job finalityJob) {
		return new FinalityLaunches(runner, finalityJob);
	}

	static void launch(JobRunner runner, Job job) {
		try {
			JobExecution execution = runner.run(job, new JobParameters());
			if (execution != null && execution.getStatus() != BatchStatus.COMPLETED) {
				log.warn("{} execution {} ended {}: {}", job.getName(), execution.getId(), execution.getStatus(),
						execution.getExitStatus().getExitDescription());
			}
		}
		catch (Exception ex) {
			log.error("{} could not be launched: {}", job.getName(), ex.getMessage(), ex);
		}
	}

	/** applyEventsJob every {@code sync.jobs.apply.interval}. */
	record ApplyEventsLaunches(JobRunner runner, Job job) {

		@Scheduled(fixedDelayString = "${sync.jobs.apply.interval:2s}",
				initialDelayString = "${sync.jobs.apply.interval:2s}")
		void launch() {
			FixedDelayJobLaunches.launch(runner, job);
		}
	}

	/** finalityJob every {@code sync.jobs.finality.interval}. */
	record FinalityLaunches(JobRunner runner, Job job) {

		@Scheduled(fixedDelayString = "${sync.jobs.finality.interval:5s}",
				initialDelayString = "${sync.jobs.finality.interval:5s}")
		void launch() {
			FixedDelayJobLaunches.launch(runner, job);
		}
	}

	/** backfillJob every {@code sync.jobs.backfill.interval}. */
	record BackfillLaunches(JobRunner runner, Job job) {

		@Scheduled(fixedDelayString = "${sync.jobs.backfill.interval:5s}",
				initialDelayString = "${sync.jobs.backfill.interval:5s}")
		void launch() {
			FixedDelayJobLaunches.launch(runner, job);
		}
	}
}
