package io.couponsync.jobs.console;

import java.util.Collection;
import java.util.List;

import org.springframework.http.HttpStatus;

import io.couponsync.jobs.applyevents.DeadLetterStore;

/**
 * Browsing and re-queueing dead letters through {@link DeadLetterStore}, whose re-queue moves staging through the
 * staging repository's named operation (dead → received); the next applyEventsJob run applies them again.
 */
class DeadLetterActions {

	static final int PAGE_SIZE = 50;

	private final DeadLetterStore store;

	DeadLetterActions(DeadLetterStore store) {
		this.store = store;
	}

	List<DeadLetterView> page(String status, int page) {
		return store.page(status, Math.max(0, page) * PAGE_SIZE, PAGE_SIZE).stream()
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
		long moved = store.requeue(signatures);
		return new ActionResult(moved + " of " + signatures.size()
				+ " dead letters re-queued; the next applyEventsJob run applies them again", null);
	}

	ActionResult requeueAll() {
		return new ActionResult(store.requeueAll() + " dead letters re-queued; the next applyEventsJob run applies "
				+ "them again", null);
	}
}
