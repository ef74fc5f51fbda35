package io.couponsync.jobs.batch;

/**
 * Told when a writer reaches each of its steps: the apply job's read-model writer ({@code events-logged},
 * {@code fields-written}, {@code journal-written}, {@code counters-partly-written}, {@code counters-written},
 * {@code histories-written}) and the finality writer ({@code finality-events-marked},
 * {@code finality-documents-marked}). A test throws here to crash the writer between steps and prove that a restart
 * converges.
 */
@FunctionalInterface
public interface WriterCheckpoint {

	WriterCheckpoint NONE = step -> {
	};

	void reached(String step);
}
