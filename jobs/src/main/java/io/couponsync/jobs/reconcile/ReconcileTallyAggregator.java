package io.couponsync.jobs.reconcile;

import java.util.Collection;
import java.util.Map;

import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.partition.support.DefaultStepExecutionAggregator;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.couponsync.jobs.accountstate.ReconcileTally;

/**
 * Aggregates a full run's partitions as Spring Batch does (statuses, read and write counts), and adds up their
 * per-type tallies into the manager step's ExecutionContext, where one look shows the whole run.
 */
class ReconcileTallyAggregator implements StepExecutionAggregator {

	private final DefaultStepExecutionAggregator counts = new DefaultStepExecutionAggregator();

	@Override
	public void aggregate(StepExecution result, Collection<StepExecution> executions) {
		counts.aggregate(result, executions);
		ExecutionContext total = result.getExecutionContext();
		for (StepExecution execution : executions) {
			for (Map.Entry<String, Object> entry : execution.getExecutionContext().entrySet()) {
				if (entry.getKey().startsWith(ReconcileTally.PREFIX) && entry.getValue() instanceof Number amount) {
					total.putLong(entry.getKey(), total.getLong(entry.getKey(), 0L) + amount.longValue());
				}
			}
		}
	}
}
