package io.couponsync.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.staging.ListenerCoverage;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingInserts;

/**
 * Drains the buffer into staging: everything waiting goes in one unordered bulk insert (so high traffic batches
 * itself) and a lone notification is written at once (so low traffic has no delay); the checkpoint advances after
 * each write.
 *
 * <p>
 * Nothing ends it but {@link #stop()}: any failure — MongoDB unreachable, or anything unexpected — is recorded in
 * {@link WriterHealth} and the writer restarts after a backoff (100 ms doubling to 5 s), retrying the batch it holds,
 * so a failed write is never dropped and the thread never dies silently. At shutdown it gives up after
 * {@value #ATTEMPTS_AT_SHUTDOWN} failed attempts in a row; the backfill stages what it held from the recorded gap.
 */
final class StagingWriter implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(StagingWriter.class);

	static final int ATTEMPTS_AT_SHUTDOWN = 10;

	private static final long MIN_RESTART_DELAY_MS = 100;

	private static final long MAX_RESTART_DELAY_MS = 5_000;

	private final BlockingQueue<StagedTransaction> buffer;

	private final StagingInserts staging;

	private final ListenerCoverage coverage;

	private final ListenerMetrics metrics;

	private final WriterHealth health;

	private final int batchSize;

	private final Runnable afterDrain;

	private final java.util.function.LongSupplier lastRoot;

	/** Drained from the buffer and not written yet; kept across a restart. */
	private final List<StagedTransaction> pending;

	private volatile boolean running = true;

	StagingWriter(BlockingQueue<StagedTransaction> buffer, StagingInserts staging, ListenerCoverage coverage,
			ListenerMetrics metrics, WriterHealth health, int batchSize, Runnable afterDrain,
			java.util.function.LongSupplier lastRoot) {
		this.buffer = buffer;
		this.staging = staging;
		this.coverage = coverage;
		this.metrics = metrics;
		this.health = health;
		this.batchSize = batchSize;
		this.afterDrain = afterDrain;
		this.lastRoot = lastRoot;
		this.pending = new ArrayList<>(batchSize);
	}

	/** Finishes what is buffered, then returns from {@link #run()}. */
	void stop() {
		running = false;
	}

	@Override
	public void run() {
		while (true) {
			try {
				drain();
				health.stopped();
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				log.warn("Staging writer interrupted with {} notifications buffered", buffer.size() + pending.size());
				health.stopped();
				return;
			}
			catch (RuntimeException | Error ex) {
				int failures = health.failed(ex);
				metrics.writeFailures.increment();
				if (!running && failures >= ATTEMPTS_AT_SHUTDOWN) {
					log.error("Giving up staging {} transactions at shutdown after {} attempts ({}); the backfill "
							+ "will stage them from the recorded gap", pending.size() + buffer.size(), failures,
							WriterHealth.describe(ex));
					health.stopped();
					return;
				}
				long delay = Math.min(MAX_RESTART_DELAY_MS, MIN_RESTART_DELAY_MS << Math.min(failures - 1, 20));
				if (failures == 1 && !(ex instanceof com.mongodb.MongoException)) {
					// why: an unexpected failure; its stack says where, once
					log.error("Staging writer failed with {} transactions held; restarting in {} ms", pending.size(),
							delay, ex);
				}
				else {
					log.warn("Staging writer failed (attempt {}, {} transactions held), restarting in {} ms: {}",
							failures, pending.size(), delay, WriterHealth.describe(ex));
				}
				try {
					Thread.sleep(delay);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					health.stopped();
					return;
				}
				health.restarted();
				metrics.writerRestarts.increment();
			}
		}
	}

	/** Writes until stopped and drained; throws whatever a write throws, keeping its batch in {@code pending}. */
	private void drain() throws InterruptedException {
		while (running || !buffer.isEmpty() || !pending.isEmpty()) {
			if (pending.isEmpty()) {
				StagedTransaction first = buffer.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				pending.add(first);
				buffer.drainTo(pending, batchSize - 1);
				afterDrain.run();
			}
			write(pending);
			pending.clear();
			health.written();
		}
	}

	private void write(List<StagedTransaction> batch) {
		StagingInserts.InsertResult result = metrics.writeLatency.record(() -> staging.insertIfAbsent(batch));
		metrics.staged.increment(result.inserted());
		metrics.duplicates.increment(result.duplicates());
		if (result.unstorable() > 0) {
			metrics.unstorable.increment(result.unstorable());
			log.warn("{} of {} transactions staged without their logs: over MongoDB's document size limit; the "
					+ "apply job dead-letters them with the reason", result.unstorable(), batch.size());
		}
		StagedTransaction highest = batch.get(0);
		for (StagedTransaction transaction : batch) {
			if (transaction.slot() >= highest.slot()) {
				highest = transaction;
			}
		}
		long root = lastRoot.getAsLong();
		coverage.advance(highest.slot(), highest.signature(), root > 0 ? root : null);
	}
}
