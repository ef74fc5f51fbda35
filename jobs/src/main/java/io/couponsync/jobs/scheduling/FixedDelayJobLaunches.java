package io.couponsync.jobs.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.couponsync.jobs.batch.JobRunner;

/**
 * The one-process default's schedule until Quartz takes over: the signature crawler and applyEventsJob on short
 * fixed delays, so staging stays complete and the read model keeps up with it; incremental reconciliation on a short
 * delay, full reconciliation and orphan cleanup on long ones. A failed run is restarted rather
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

	@Bean
	@ConditionalOnProperty(prefix = "sync.jobs.reconcile", name = "schedule-enabled", havingValue = "true",
			matchIfMissing = true)
	ReconcileLaunches reconcileLaunches(JobRunner runner, Job reconcileJob) {
		return new ReconcileLaunches(runner, reconcileJob);
	}

	@Bean
	@ConditionalOnProperty(prefix = "sync.jobs.reconcile", name = "full-schedule-enabled", havingValue = "true",
			matchIfMissing = true)
	FullReconcileLaunches fullReconcileLaunches(JobRunner runner, Job reconcileJob) {
		return new FullReconcileLaunches(runner, reconcileJob);
	}

	@Bean
	@ConditionalOnProperty(prefix = "sync.jobs.orphans", name = "schedule-enabled", havingValue = "true",
			matchIfMissing = true)
	OrphanCleanupLaunches orphanCleanupLaunches(JobRunner runner, Job orphanCleanupJob) {
		return new OrphanCleanupLaunches(runner, orphanCleanupJob);
	}

	static void launch(JobRunner runner, Job job) {
		launch(runner, job, new JobParameters());
	}

	static void launch(JobRunner runner, Job job, JobParameters parameters) {
		try {
			JobExecution execution = runner.run(job, parameters);
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

	/** reconcileJob, incremental, every {@code sync.jobs.reconcile.interval}. */
	record ReconcileLaunches(JobRunner runner, Job job) {

		@Scheduled(fixedDelayString = "${sync.jobs.reconcile.interval:10s}",
				initialDelayString = "${sync.jobs.reconcile.interval:10s}")
		void launch() {
			FixedDelayJobLaunches.launch(runner, job);
		}
	}

	/**
	 * reconcileJob, full, every {@code sync.jobs.reconcile.full-interval}. why: the first run waits a whole interval,
	 * so a restarted process does not list every account again at once.
	 */
	record FullReconcileLaunches(JobRunner runner, Job job) {

		@Scheduled(fixedDelayString = "${sync.jobs.reconcile.full-interval:6h}",
				initialDelayString = "${sync.jobs.reconcile.full-interval:6h}")
		void launch() {
			FixedDelayJobLaunches.launch(runner, job,
					new JobParametersBuilder().addString("mode", "full").toJobParameters());
		}
	}

	/** orphanCleanupJob every {@code sync.jobs.orphans.interval}. */
	record OrphanCleanupLaunches(JobRunner runner, Job job) {

		@Scheduled(fixedDelayString = "${sync.jobs.orphans.interval:1h}",
				initialDelayString = "${sync.jobs.orphans.interval:1h}")
		void launch() {
			FixedDelayJobLaunches.launch(runner, job);
		}
	}
}
