package io.couponsync.jobs.retention;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Purges job instances (with their executions, steps and contexts) whose every execution ended before the cutoff,
 * through the job repository's own delete operation. Kept: each job's newest instance (what ran last, and what a
 * restart continues), instances with an execution still running, and those whose last execution failed or
 * stopped until an operator acknowledges it. Counts go to the step's ExecutionContext ({@code purged},
 * {@code keptUnacknowledged}).
 *
 * <p>
 * A job launched every second has some 86,000 instances a day, so the walk goes oldest first in batches of
 * {@value #BATCH} instance ids (keyset, never an offset), reads a batch's executions in one query, and returns
 * {@link RepeatStatus#CONTINUABLE} after each: every batch is its own transaction, so a run cut short keeps what it
 * purged, and the next one (which starts again from the oldest) finds less to walk.
 */
class ExecutionPurgeTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(ExecutionPurgeTasklet.class);

	static final int BATCH = 500;

	private final JobRepository repository;

	private final JdbcTemplate jdbc;

	private final FailureAcknowledgements acknowledgements;

	private final int retentionDays;

	private final LocalDateTime cutoff;

	/** Jobs still to walk; null until the first batch. */
	private Deque<String> jobsToWalk;

	private String job;

	/** The job's newest instance, never purged. */
	private long newestInstance;

	/** The last instance id of the job walked so far. */
	private long walkedThrough;

	private long purged;

	private long keptUnacknowledged;

	ExecutionPurgeTasklet(JobRepository repository, JdbcTemplate jdbc, FailureAcknowledgements acknowledgements,
			Clock clock, int retentionDays) {
		this.repository = repository;
		this.jdbc = jdbc;
		this.acknowledgements = acknowledgements;
		this.retentionDays = retentionDays;
		// why: the repository stores end times as local date-times of the processes that wrote them
		this.cutoff = LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault()).minusDays(retentionDays);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		ExecutionContext counts = chunkContext.getStepContext().getStepExecution().getExecutionContext();
		if (jobsToWalk == null) {
			jobsToWalk = new ArrayDeque<>(repository.getJobNames());
		}
		if (job == null && !nextJob()) {
			log.info("Purged {} job instances that ended over {} days ago; kept {} failed or stopped ones until "
					+ "acknowledged", purged, retentionDays, keptUnacknowledged);
			return RepeatStatus.FINISHED;
		}
		List<Long> instances = jdbc.queryForList("select JOB_INSTANCE_ID from BATCH_JOB_INSTANCE where JOB_NAME = ? "
				+ "and JOB_INSTANCE_ID > ? and JOB_INSTANCE_ID < ? order by JOB_INSTANCE_ID fetch first " + BATCH
				+ " rows only", Long.class, job, walkedThrough, newestInstance);
		if (instances.isEmpty()) {
			job = null;
			return RepeatStatus.CONTINUABLE;
		}
		Map<Long, List<Ended>> executions = executionsOf(instances);
		for (long instance : instances) {
			List<Ended> ended = executions.getOrDefault(instance, List.of());
			if (!allEndedBefore(ended)) {
				continue;
			}
			if (unacknowledged(ended)) {
				keptUnacknowledged++;
				continue;
			}
			repository.deleteJobInstance(repository.getJobInstance(instance));
			acknowledgements.forget(ended.stream().map(Ended::executionId).toList());
			purged++;
		}
		walkedThrough = instances.get(instances.size() - 1);
		counts.putLong("purged", purged);
		counts.putLong("keptUnacknowledged", keptUnacknowledged);
		contribution.incrementWriteCount(instances.size());
		return RepeatStatus.CONTINUABLE;
	}

	private boolean nextJob() {
		job = jobsToWalk.poll();
		if (job == null) {
			return false;
		}
		Long newest = jdbc.queryForObject("select max(JOB_INSTANCE_ID) from BATCH_JOB_INSTANCE where JOB_NAME = ?",
				Long.class, job);
		newestInstance = newest == null ? 0 : newest;
		walkedThrough = 0;
		return true;
	}

	/** The executions of these instances, in one query (served by the index on {@code JOB_INSTANCE_ID}). */
	private Map<Long, List<Ended>> executionsOf(List<Long> instances) {
		Map<Long, List<Ended>> byInstance = new LinkedHashMap<>();
		String marks = String.join(",", Collections.nCopies(instances.size(), "?"));
		jdbc.query("select JOB_INSTANCE_ID, JOB_EXECUTION_ID, STATUS, END_TIME from BATCH_JOB_EXECUTION "
				+ "where JOB_INSTANCE_ID in (" + marks + ")", row -> {
					Timestamp end = row.getTimestamp(4);
					byInstance.computeIfAbsent(row.getLong(1), id -> new ArrayList<>())
						.add(new Ended(row.getLong(2), BatchStatus.valueOf(row.getString(3)),
								end == null ? null : end.toLocalDateTime()));
				}, instances.toArray());
		return byInstance;
	}

	private boolean allEndedBefore(List<Ended> executions) {
		return !executions.isEmpty()
				&& executions.stream().allMatch(execution -> execution.end() != null && execution.end().isBefore(cutoff));
	}

	/** The instance's last execution failed or stopped, and no operator has acknowledged it. */
	private boolean unacknowledged(List<Ended> executions) {
		Ended last = executions.stream().max((a, b) -> Long.compare(a.executionId(), b.executionId())).orElseThrow();
		return FailureAcknowledgements.needsAcknowledgement(last.status())
				&& !acknowledgements.isAcknowledged(last.executionId());
	}

	/** One execution as the purge judges it. */
	private record Ended(long executionId, BatchStatus status, LocalDateTime end) {
	}
}
