package io.couponsync.jobs.batch;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Keeps why a step failed, in one line (the root cause's type and message), in the step's execution context under
 * {@value #KEY}. why: the job repository keeps the failure only as a stack trace cut at 2,500 characters, which
 * usually ends before the "Caused by" that says what went wrong (the console and the run command show this line).
 */
public class FailureCause implements StepExecutionListener {

	public static final String KEY = "failure.cause";

	@Override
	public ExitStatus afterStep(StepExecution step) {
		if (!step.getFailureExceptions().isEmpty()) {
			step.getExecutionContext().putString(KEY, describe(step.getFailureExceptions().get(0)));
		}
		return null;
	}

	/** The root cause of a failure, as {@code Type: message}. */
	public static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}
}
