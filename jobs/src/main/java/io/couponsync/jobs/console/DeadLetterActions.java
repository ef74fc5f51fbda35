package io.couponsync.jobs.console;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.http.HttpStatus;

import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.batch.JobRunner;

import io.couponsync.jobs.applyevents.DeadLetterStore;

/**
 * Browsing and re-queueing dead letters through {@link DeadLetterStore}, whose re-queue moves staging through the
 * staging repository's named operation (dead → received); the next applyEventsJob run applies them again. A
 * re-queue holds the read-model lease, waiting its turn like a job: the apply job moves transactions to dead and
 * writes their letters in two steps, and a re-queue between them would leave a letter that contradicts staging.
 */
class DeadLetterActions {

	static final int PAGE_SIZE = 50;

	/** The lease's holder while a re-queue runs. */
	static final String REQUEUE = "console-dead-letter-requeue";

	private final DeadLetterStore store;

	private final JobRunner runner;

	DeadLetterActions(DeadLetterStore store, JobRunner runner) {
		this.store = store;
		this.runner = runner;
	}

	/** A page of letters of a status ({@code dead}, {@code requeued}, or {@code all}); another status answers 400. */
	List<DeadLetterView> page(String status, int page) {
		String only = "all".equals(status) ? null : status;
		if (only != null && DeadLetterStore.Status.of(only).isEmpty()) {
			throw new ConsoleActionException(HttpStatus.BAD_REQUEST,
					"unknown dead-letter status '" + status + "': dead, requeued or all");
		}
		return store.page(only, Math.max(0, page) * PAGE_SIZE, PAGE_SIZE).stream()
			.map(document -> DeadLetterView.of(document, false)).toList();
	}

	DeadLetterView find(String signature) {
		return store.find(signature).map(document -> DeadLetterView.of(document, true))
			.orElseThrow(() -> new ConsoleActionException(HttpStatus.NOT_FOUND, "no dead letter " + signature));
	}

	ActionResult requeue(Collection<String> signatures) {
		if (signatures == null || signatures.isEmpty()) {
			throw new ConsoleActionException(HttpStatus.BAD_REQUEST, "choose at least one dead letter to re-queue");
		}
		long moved = underReadModelLease("Re-queue", () -> store.requeue(signatures));
		return new ActionResult(moved + " of " + signatures.size()
				+ " dead letters re-queued; the next applyEventsJob run applies them again", null);
	}

	ActionResult requeueAll() {
		return new ActionResult(underReadModelLease("Re-queue of all", store::requeueAll)
				+ " dead letters re-queued; the next applyEventsJob run applies them again", null);
	}

	private long underReadModelLease(String action, Supplier<Long> requeue) {
		JobRunner.LeasedAction<Long> done = runner.underLease(JobLeases.READ_MODEL, REQUEUE, requeue);
		if (!done.ran()) {
			String holder = done.heldBy() == null ? "another job"
					: done.heldBy().jobName() + " (" + done.heldBy().owner() + ")";
			throw new ConsoleActionException(HttpStatus.CONFLICT, action + " refused: " + holder
					+ " held the read-model lease; try again once it has ended");
		}
		return done.result();
	}
}
