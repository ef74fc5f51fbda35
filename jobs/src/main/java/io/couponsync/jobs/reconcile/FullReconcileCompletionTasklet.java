package io.couponsync.jobs.reconcile;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.jobs.accountstate.AccountReadCheckpoints;

/**
 * Ends a full run once every partition has completed: records, per type, the slot its accounts were listed at (every
 * account then had its document — what {@code verify} holds the read model to), unless it was a dry run, and
 * forgets the run's listing.
 */
class FullReconcileCompletionTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(FullReconcileCompletionTasklet.class);

	private final KeyListing listing;

	private final AccountReadCheckpoints checkpoints;

	private final List<String> types;

	private final boolean dryRun;

	FullReconcileCompletionTasklet(KeyListing listing, AccountReadCheckpoints checkpoints, List<String> types,
			boolean dryRun) {
		this.listing = listing;
		this.checkpoints = checkpoints;
		this.types = types;
		this.dryRun = dryRun;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		long run = step.getJobExecution().getJobInstance().getInstanceId();
		long jobExecutionId = step.getJobExecutionId();
		for (String type : types) {
			KeyListing.Listing keys = listing.find(run, type);
			if (keys != null && !dryRun) {
				checkpoints.saveFull(type, keys.slot(), jobExecutionId);
			}
		}
		listing.delete(run);
		step.getJobExecution().getStepExecutions().stream()
			.filter(execution -> execution.getStepName().equals(ReconcileJobConfiguration.FULL_STEP))
			.findFirst()
			.ifPresent(full -> log.info("reconcile (full{}): {}", dryRun ? ", dry run" : "",
					full.getExecutionContext().entrySet()));
		return RepeatStatus.FINISHED;
	}
}
