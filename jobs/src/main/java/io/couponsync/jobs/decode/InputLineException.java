package io.couponsync.jobs.decode;

/** An input line that is not of the command's input form. */
final class InputLineException extends Exception {

	InputLineException(String message) {
		super(message, null, false, false);
	}
}
