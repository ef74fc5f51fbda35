package io.couponsync.jobs.applyevents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingRepository.ChainPosition;
import io.couponsync.jobs.batch.StagedTransactionReader;
import io.couponsync.jobs.blockorder.BlockTimes;

/**
 * Staging's transactions to apply, each batch completed with the block times its notification-staged transactions
 * lack ({@link BlockTimes}: one batched call per batch), so the fields that are a block time are written with the
 * events, however long the backlog.
 */
final class TransactionsToApply implements StagedTransactionReader.Selection {

	private final StagingRepository staging;

	private final BlockTimes blockTimes;

	TransactionsToApply(StagingRepository staging, BlockTimes blockTimes) {
		this.staging = staging;
		this.blockTimes = blockTimes;
	}

	@Override
	public Stream<StagedTransaction> after(ChainPosition position, int batchSize) {
		Stream<StagedTransaction> staged = staging.toApply(position, batchSize);
		Iterator<StagedTransaction> source = staged.iterator();
		Iterator<StagedTransaction> completed = new Iterator<>() {

			private final Deque<StagedTransaction> batch = new ArrayDeque<>();

			@Override
			public boolean hasNext() {
				if (batch.isEmpty() && source.hasNext()) {
					List<StagedTransaction> next = new ArrayList<>(batchSize);
					while (next.size() < batchSize && source.hasNext()) {
						next.add(source.next());
					}
					batch.addAll(blockTimes.complete(next));
				}
				return !batch.isEmpty();
			}

			@Override
			public StagedTransaction next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return batch.poll();
			}
		};
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(completed, Spliterator.ORDERED), false)
			.onClose(staged::close);
	}
}
