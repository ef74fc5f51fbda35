package io.couponsync.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.mongodb.MongoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;

/**
 * Drains the buffer into staging: everything waiting goes in one unordered bulk insert (so high traffic batches
 * itself) and a lone notification is written at once (so low traffic has no delay). A failed write is retried
 * with backoff, never dropped; the checkpoint advances after each write.
 */
final class StagingWriter implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(StagingWriter.class);

	private final BlockingQueue<StagedTransaction> buffer;

	private final StagingRepository staging;

	private final ListenerStateRepository state;

	private final ListenerMetrics metrics;

	private final int batchSize;

	private final Runnable afterDrain;

	private final java.util.function.LongSupplier lastRoot;

	private volatile boolean running = true;

	StagingWriter(BlockingQueue<StagedTransaction> buffer, StagingRepository staging, ListenerStateRepository state,
			ListenerMetrics metrics, int batchSize, Runnable afterDrain, java.util.function.LongSupplier lastRoot) {
		this.buffer = buffer;
		this.staging = staging;
		this.state = state;
		this.metrics = metrics;
		this.batchSize = batchSize;
		this.afterDrain = afterDrain;
		this.lastRoot = lastRoot;
	}

	/** Finishes what is buffered, then returns from {@link #run()}. */
	void stop() {
		running = false;
	}

	@Override
	public void run() {
		List<StagedTransaction> batch = new ArrayList<>(batchSize);
		while (running || !buffer.isEmpty()) {
			try {
				StagedTransaction first = buffer.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.clear();
				batch.add(first);
				buffer.drainTo(batch, batchSize - 1);
				afterDrain.run();
				write(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				log.warn("Staging writer interrupted with {} notifications buffered", buffer.size());
				return;
			}
		}
	}

	private void write(List<StagedTransaction> batch) throws InterruptedException {
		long delay = 100;
		for (int attempt = 1;; attempt++) {
			try {
				StagingRepository.InsertResult result = metrics.writeLatency
					.recordCallable(() -> staging.insertIfAbsent(batch));
				metrics.staged.increment(result.inserted());
				metrics.duplicates.increment(result.duplicates());
				StagedTransaction highest = batch.get(0);
				for (StagedTransaction transaction : batch) {
					if (transaction.slot() >= highest.slot()) {
						highest = transaction;
					}
				}
				long root = lastRoot.getAsLong();
				state.advance(highest.slot(), highest.signature(), root > 0 ? root : null);
				return;
			}
			catch (MongoException ex) {
				metrics.writeFailures.increment();
				if (!running && attempt >= 10) {
					log.error("Giving up staging {} transactions at shutdown after {} attempts ({}); the backfill "
							+ "will stage them from the recorded gap", batch.size(), attempt, ex.getMessage());
					return;
				}
				log.warn("Staging write of {} transactions failed (attempt {}), retrying in {} ms: {}", batch.size(),
						attempt, delay, ex.getMessage());
				Thread.sleep(delay);
				delay = Math.min(delay * 2, 5_000);
			}
			catch (Exception ex) {
				throw new IllegalStateException("staging write failed", ex);
			}
		}
	}
}
