package io.couponsync.jobs.applyevents;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Before the apply step starts or restarts, writes the dead letters a crash left out (see
 * {@link DeadLetterStore#recordMissing()}). why a step listener: a restart skips the completed prepare step, and the
 * restart is what follows such a crash.
 */
class MissingDeadLetters implements StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(MissingDeadLetters.class);

	private final DeadLetterStore store;

	MissingDeadLetters(DeadLetterStore store) {
		this.store = store;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		long written = store.recordMissing();
		if (written > 0) {
			log.warn("Wrote {} dead letters an interrupted run had left out", written);
		}
	}
}
