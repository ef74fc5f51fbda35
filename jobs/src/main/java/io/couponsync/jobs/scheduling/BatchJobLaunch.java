package io.couponsync.jobs.scheduling;

import java.util.LinkedHashMap;
import java.util.Map;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import io.couponsync.jobs.batch.JobLaunch;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.TextJobParameters;

/**
 * The one Quartz job class: launches the Spring Batch job its job key names (group {@value QuartzSchedules#GROUP}),
 * with the fired trigger's data as text parameters, through {@link JobRunner} and so through the job's lease, in
 * Quartz's own worker thread. A launch that finds the lease held by another job sharing it waits its turn (up to
 * {@code sync.jobs.lease.turn-wait}); one that finds its own job running (on another node) ends without running, and
 * the next fire time tries again.
 */
@DisallowConcurrentExecution
public class BatchJobLaunch implements Job {

	private static final Logger log = LoggerFactory.getLogger(BatchJobLaunch.class);

	private final JobRunner runner;

	public BatchJobLaunch(JobRunner runner) {
		this.runner = runner;
	}

	@Override
	public void execute(JobExecutionContext context) {
		String jobName = context.getJobDetail().getKey().getName();
		Map<String, String> parameters = new LinkedHashMap<>();
		context.getMergedJobDataMap().forEach((name, value) -> parameters.put(name, String.valueOf(value)));
		try {
			JobLaunch launch = runner.launch(jobName, TextJobParameters.of(parameters));
			// why: Quartz job listeners (and a test) see whether this fire ran an execution or met a held lease
			context.setResult(launch.outcome());
			JobExecution execution = launch.execution();
			if (execution != null && execution.getStatus() != BatchStatus.COMPLETED) {
				log.warn("{} execution {} ended {}: {}", jobName, execution.getId(), execution.getStatus(),
						execution.getExitStatus().getExitDescription());
			}
		}
		catch (Exception ex) {
			// why: not rethrown, so Quartz neither refires at once nor unschedules; the next fire time tries again
			log.error("{} could not be launched: {}", jobName, ex.getMessage(), ex);
		}
	}
}
