package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.accountstate.AccountReadCheckpoints;
import io.couponsync.jobs.accountstate.AccountReads;
import io.couponsync.jobs.accountstate.AccountReconciler;
import io.couponsync.jobs.accountstate.AccountReconciler.Target;
import io.couponsync.jobs.accountstate.ReconcileTally;

/**
 * An incremental run: the slot the accounts are read at is fixed first ({@code getSlot} at the configured
 * commitment); then what changed since the last run and up to that slot ({@link TouchedAccounts}) is read with
 * getMultipleAccounts, 100 per call, never older than that slot, and reconciled. The checkpoint moves to that slot
 * and the truncated transactions lose their flag only after everything is written: a crash repeats the run, which
 * changes nothing already repaired.
 */
class IncrementalReconcileTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(IncrementalReconcileTasklet.class);

	/** ExecutionContext keys: how many addresses the run read, and the slot it read them at (at least). */
	static final String ACCOUNTS_READ = "accountsRead";

	static final String READ_SLOT = "readSlot";

	private final SolanaRpcClient rpc;

	private final TouchedAccounts touched;

	private final AccountReconciler reconciler;

	private final AccountReadCheckpoints checkpoints;

	private final StagingRepository staging;

	private final MeterRegistry meters;

	private final String commitment;

	private final List<String> collections;

	private final boolean dryRun;

	IncrementalReconcileTasklet(SolanaRpcClient rpc, TouchedAccounts touched, AccountReconciler reconciler,
			AccountReadCheckpoints checkpoints, StagingRepository staging, MeterRegistry meters, String commitment,
			List<String> collections, boolean dryRun) {
		this.rpc = rpc;
		this.touched = touched;
		this.reconciler = reconciler;
		this.checkpoints = checkpoints;
		this.staging = staging;
		this.meters = meters;
		this.commitment = commitment;
		this.collections = collections;
		this.dryRun = dryRun;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		long readSlot = rpc.getSlot(commitment);
		AccountReadCheckpoints.Incremental checkpoint = checkpoints.incremental();
		TouchedAccounts.Found found = touched.find(checkpoint.slot(), readSlot, checkpoint.deadLettersThrough(),
				new Date(), collections);
		List<Target> targets = new ArrayList<>();
		for (Map.Entry<String, String> target : found.targets().entrySet()) {
			targets.add(new Target(target.getKey(), target.getValue()));
		}
		AccountReconciler.Settings settings = new AccountReconciler.Settings(step.getJobExecutionId(), dryRun,
				"finalized".equals(commitment));
		ReconcileTally tally = new ReconcileTally();
		for (int from = 0; from < targets.size(); from += SolanaRpcClient.MAX_MULTIPLE_ACCOUNTS) {
			List<Target> page = targets.subList(from, Math.min(targets.size(), from + SolanaRpcClient.MAX_MULTIPLE_ACCOUNTS));
			var reads = AccountReads.read(rpc, page.stream().map(Target::address).toList(), commitment, readSlot);
			reconciler.reconcile(page, reads, null, settings, tally);
		}
		if (!dryRun) {
			staging.markAccountsResynced(found.truncatedSignatures());
			checkpoints.saveIncremental(Math.max(readSlot, checkpoint.slot()), found.deadLettersThrough(),
					step.getJobExecutionId());
		}
		tally.addTo(step.getExecutionContext());
		step.getExecutionContext().putLong(ACCOUNTS_READ, targets.size());
		step.getExecutionContext().putLong(READ_SLOT, readSlot);
		tally.addTo(meters, "reconcile");
		contribution.incrementWriteCount(tally.total(ReconcileTally.INSERTED) + tally.total(ReconcileTally.DIFFERENCES)
				+ tally.total(ReconcileTally.ORPHANED));
		if (!targets.isEmpty()) {
			log.info("reconcile (incremental{}): {} accounts read through slot {} ({} of truncated transactions); {}",
					dryRun ? ", dry run" : "", targets.size(), readSlot, found.truncatedSignatures().size(), tally);
		}
		return RepeatStatus.FINISHED;
	}
}
