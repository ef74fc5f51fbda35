package io.couponsync.jobs.applyevents;

/**
 * Told when the read-model writer reaches each of its steps ({@code events-logged}, {@code fields-written},
 * {@code counters-written}, {@code histories-written}); a test throws here to crash the writer between steps and
 * prove that a restart converges.
 */
@FunctionalInterface
public interface WriterCheckpoint {

	WriterCheckpoint NONE = step -> {
	};

	void reached(String step);
}
