package io.couponsync.jobs.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Reads the input on a thread of its own, ahead of the answers: the JSON of later lines is read while earlier ones
 * are decoded, and while the IDL loads, since reading needs none. Lines go over in batches through a bounded queue
 * and the batches come back for reuse, so memory stays bounded whatever the input's length.
 */
final class ReadAhead<T extends InputLine> {

	/** Lines per batch: enough to make handing over rare, few enough to keep memory small. */
	static final int BATCH_LINES = 256;

	/** Input bytes per batch: a batch closes after the line that reaches it, so long lines make short batches. */
	static final int BATCH_BYTES = 1 << 20;

	/** Batches read ahead at most. */
	private static final int BATCHES = 4;

	private final BlockingQueue<Batch<T>> read = new ArrayBlockingQueue<>(BATCHES);

	private final BlockingQueue<Batch<T>> free = new ArrayBlockingQueue<>(BATCHES);

	private final LineInput input;

	private final Supplier<T> newLine;

	private final Thread thread;

	/** The batch being filled; the reading thread's alone. */
	private Batch<T> filling;

	ReadAhead(InputStream in, int bufferSize, Supplier<T> newLine) {
		this.input = new LineInput(in, bufferSize, this::handOverPaused);
		this.newLine = newLine;
		for (int i = 0; i < BATCHES; i++) {
			free.add(new Batch<>());
		}
		this.thread = new Thread(this::readAll, "decode-read-ahead");
		// why: a read blocked on a terminal must not keep the process alive once the command is done
		thread.setDaemon(true);
	}

	ReadAhead<T> start() {
		thread.start();
		return this;
	}

	/** The next batch, in input order; give it back with {@link #release} once answered. */
	Batch<T> take() throws IOException {
		try {
			return read.take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("interrupted while waiting for input");
		}
	}

	void release(Batch<T> batch) {
		batch.clear();
		free.add(batch);
	}

	/** Stops reading, if it has not ended: the command is done. */
	void stop() {
		thread.interrupt();
	}

	private void readAll() {
		try {
			filling = free.take();
			T line = newLine.get();
			long batchStart = 0;
			while (input.next()) {
				line.read(input);
				input.finish();
				line = filling.add(line, newLine);
				if (filling.size == BATCH_LINES || input.consumed() - batchStart >= BATCH_BYTES) {
					handOver();
					batchStart = input.consumed();
				}
			}
			filling.last = true;
			handOver();
		}
		catch (InterruptedException | InterruptedIOException ex) {
			// stopped: the command ended before the input did
		}
		catch (IOException | RuntimeException | Error ex) {
			// why: the answering thread waits for batches; it must learn of the failure rather than wait forever
			filling.failure = ex;
			filling.last = true;
			try {
				handOver();
			}
			catch (InterruptedException stopped) {
				// the command ended anyway
			}
		}
	}

	/** The input pauses: the lines read so far are handed over, to be answered before it is waited for. */
	private void handOverPaused() throws IOException {
		filling.flush = true;
		try {
			handOver();
		}
		catch (InterruptedException ex) {
			throw new InterruptedIOException("stopped");
		}
	}

	private void handOver() throws InterruptedException {
		read.put(filling);
		filling = filling.last ? null : free.take();
	}

	/** Lines read, handed over together; the holders stay with the batch for its next use. */
	static final class Batch<T> {

		private final List<T> lines = new ArrayList<>(BATCH_LINES);

		private int size;

		private boolean flush;

		private boolean last;

		private Throwable failure;

		int size() {
			return size;
		}

		T line(int index) {
			return lines.get(index);
		}

		/** The input paused after these lines: their answers must reach the output before it is waited for. */
		boolean flush() {
			return flush;
		}

		/** No lines come after these. */
		boolean last() {
			return last;
		}

		/** Why reading stopped after these lines, or null. */
		Throwable failure() {
			return failure;
		}

		/** Adds a line read; returns a holder to read the next line into, one this batch held before if any. */
		private T add(T line, Supplier<T> newLine) {
			T spare;
			if (size < lines.size()) {
				spare = lines.set(size, line);
			}
			else {
				lines.add(line);
				spare = newLine.get();
			}
			size++;
			return spare;
		}

		private void clear() {
			size = 0;
			flush = false;
			last = false;
			failure = null;
		}
	}
}
