package io.couponsync.jobs.console;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

import org.springframework.batch.core.BatchStatus;
import org.springframework.http.HttpStatus;

/**
 * Which executions to list: a job (null: every job), a status (null: any) and the days they were created on, from
 * {@code from} to {@code to} inclusive (null: open). Parsed from the request's text here, so a value the console does
 * not know is refused with what it accepts rather than failing as an error page.
 */
record ExecutionFilter(String job, BatchStatus status, LocalDate from, LocalDate to) {

	static final ExecutionFilter ANY = new ExecutionFilter(null, null, null, null);

	static ExecutionFilter parse(String job, String status, String from, String to) {
		LocalDate fromDay = day("from", from);
		LocalDate toDay = day("to", to);
		if (fromDay != null && toDay != null && toDay.isBefore(fromDay)) {
			throw invalid("to (" + toDay + ") is before from (" + fromDay + ")");
		}
		return new ExecutionFilter(blank(job) ? null : job.strip(), status(status), fromDay, toDay);
	}

	private static BatchStatus status(String text) {
		if (blank(text)) {
			return null;
		}
		try {
			return BatchStatus.valueOf(text.strip());
		}
		catch (IllegalArgumentException ex) {
			throw invalid("'" + text + "' is not a status; statuses: " + Arrays.toString(BatchStatus.values()));
		}
	}

	private static LocalDate day(String name, String text) {
		if (blank(text)) {
			return null;
		}
		try {
			return LocalDate.parse(text.strip());
		}
		catch (DateTimeParseException ex) {
			throw invalid(name + " '" + text + "' is not a date (yyyy-mm-dd)");
		}
	}

	private static boolean blank(String text) {
		return text == null || text.isBlank();
	}

	private static ConsoleActionException invalid(String problem) {
		return new ConsoleActionException(HttpStatus.BAD_REQUEST, "invalid filter: " + problem);
	}
}
