package io.couponsync.jobs.applyevents;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.skip.SkipLimitExceededException;

/**
 * Turns a step that failed past its skip limit into an exit description an operator can act on, instead of the
 * framework's "Unable to process chunk".
 */
class SkipLimitReport implements StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(SkipLimitReport.class);

	private final long skipLimit;

	SkipLimitReport(long skipLimit) {
		this.skipLimit = skipLimit;
	}

	@Override
	public ExitStatus afterStep(StepExecution step) {
		if (step.getStatus() != BatchStatus.FAILED || step.getFailureExceptions().stream().noneMatch(this::skipLimit)) {
			return step.getExitStatus();
		}
		String description = "Skip limit of " + skipLimit + " exceeded: " + step.getSkipCount()
				+ " undecodable transactions went to dead_letters before this one. Fix the IDL "
				+ "(sync.program.idl) or raise sync.jobs.apply.skip-limit, then launch with requeueDeadLetters=true.";
		log.error(description);
		return ExitStatus.FAILED.addExitDescription(description);
	}

	private boolean skipLimit(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SkipLimitExceededException) {
				return true;
			}
		}
		return false;
	}
}
