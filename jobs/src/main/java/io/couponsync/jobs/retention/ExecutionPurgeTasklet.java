package io.couponsync.jobs.retention;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Purges job instances (with their executions, steps and contexts) whose every execution ended before the cutoff,
 * through the job repository's own delete operation. Kept: each job's newest instance (what ran last, and what a
 * restart continues), instances with an execution still running, and those whose last execution failed or
 * stopped until an operator acknowledges it. Counts go to the step's ExecutionContext ({@code purged},
 * {@code keptUnacknowledged}).
 */
class ExecutionPurgeTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(ExecutionPurgeTasklet.class);

	private static final int PAGE = 200;

	private final JobRepository repository;

	private final FailureAcknowledgements acknowledgements;

	private final Clock clock;

	private final int retentionDays;

	ExecutionPurgeTasklet(JobRepository repository, FailureAcknowledgements acknowledgements, Clock clock,
			int retentionDays) {
		this.repository = repository;
		this.acknowledgements = acknowledgements;
		this.clock = clock;
		this.retentionDays = retentionDays;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		// why: the repository stores end times as local date-times of the processes that wrote them
		LocalDateTime cutoff = LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault())
			.minusDays(retentionDays);
		long purged = 0;
		long keptUnacknowledged = 0;
		for (String jobName : repository.getJobNames()) {
			// newest first; the first one is always kept, and a purge shifts the later ones down a place
			int offset = 1;
			List<JobInstance> page;
			while (!(page = repository.getJobInstances(jobName, offset, PAGE)).isEmpty()) {
				for (JobInstance instance : page) {
					List<JobExecution> executions = repository.getJobExecutions(instance);
					if (!allEndedBefore(executions, cutoff)) {
						offset++;
					}
					else if (unacknowledged(executions)) {
						keptUnacknowledged++;
						offset++;
					}
					else {
						repository.deleteJobInstance(instance);
						acknowledgements.forget(executions.stream().map(JobExecution::getId).toList());
						purged++;
					}
				}
			}
		}
		chunkContext.getStepContext().getStepExecution().getExecutionContext().putLong("purged", purged);
		chunkContext.getStepContext().getStepExecution().getExecutionContext()
			.putLong("keptUnacknowledged", keptUnacknowledged);
		log.info("Purged {} job instances that ended over {} days ago; kept {} failed or stopped ones until "
				+ "acknowledged", purged, retentionDays, keptUnacknowledged);
		return RepeatStatus.FINISHED;
	}

	private static boolean allEndedBefore(List<JobExecution> executions, LocalDateTime cutoff) {
		return !executions.isEmpty() && executions.stream()
			.allMatch(execution -> execution.getEndTime() != null && execution.getEndTime().isBefore(cutoff));
	}

	/** The instance's last execution failed or stopped, and no operator has acknowledged it. */
	private boolean unacknowledged(List<JobExecution> executions) {
		JobExecution last = executions.stream().max((a, b) -> Long.compare(a.getId(), b.getId())).orElseThrow();
		return FailureAcknowledgements.needsAcknowledgement(last.getStatus())
				&& !acknowledgements.isAcknowledged(last.getId());
	}
}
