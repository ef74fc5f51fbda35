package io.couponsync.jobs.console;

import org.springframework.http.HttpStatus;

/** An action the console refuses, with the HTTP status that says why (not found, conflict, bad request). */
class ConsoleActionException extends RuntimeException {

	private final HttpStatus status;

	ConsoleActionException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	HttpStatus status() {
		return status;
	}
}
