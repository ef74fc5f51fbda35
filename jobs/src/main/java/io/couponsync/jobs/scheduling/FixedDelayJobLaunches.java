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
import org.springframework.stereotype.Component;

import io.couponsync.jobs.batch.JobRunner;

/**
 * The one-process default's schedule until Quartz takes over: applyEventsJob on a short fixed delay, so the read
 * model keeps up with staging. A failed run is restarted rather than followed by new instances.
 */
@Component
@EnableScheduling
@ConditionalOnProperty(prefix = "sync.jobs.apply", name = "schedule-enabled", havingValue = "true",
		matchIfMissing = true)
class FixedDelayJobLaunches {

	private static final Logger log = LoggerFactory.getLogger(FixedDelayJobLaunches.class);

	private final JobRunner runner;

	private final Job applyEventsJob;

	FixedDelayJobLaunches(JobRunner runner, Job applyEventsJob) {
		this.runner = runner;
		this.applyEventsJob = applyEventsJob;
	}

	@Scheduled(fixedDelayString = "${sync.jobs.apply.interval:2s}", initialDelayString = "${sync.jobs.apply.interval:2s}")
	void applyEvents() {
		try {
			JobExecution execution = runner.run(applyEventsJob, new JobParameters());
			if (execution != null && execution.getStatus() != BatchStatus.COMPLETED) {
				log.warn("applyEventsJob execution {} ended {}: {}", execution.getId(), execution.getStatus(),
						execution.getExitStatus().getExitDescription());
			}
		}
		catch (Exception ex) {
			log.error("applyEventsJob could not be launched: {}", ex.getMessage(), ex);
		}
	}
}
