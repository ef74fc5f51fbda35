package io.couponsync.jobs.console;

import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.http.HttpStatus;

/**
 * A launch's parameters, checked: names as the jobs read them, values non-blank and short; whole numbers become longs,
 * anything else text (flags such as {@code requeueDeadLetters=true} included) — as the run command passes them.
 */
final class LaunchParameters {

	private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

	private static final int MAX_PARAMETERS = 20;

	private static final int MAX_VALUE_LENGTH = 256;

	private LaunchParameters() {
	}

	static JobParameters of(Map<String, String> values) {
		if (values.size() > MAX_PARAMETERS) {
			throw invalid("at most " + MAX_PARAMETERS + " parameters");
		}
		JobParametersBuilder parameters = new JobParametersBuilder();
		values.forEach((name, value) -> {
			if (name == null || !NAME.matcher(name).matches()) {
				throw invalid("'" + name + "' is not a parameter name (a letter, then letters, digits, . _ -)");
			}
			if ("run.id".equals(name)) {
				throw invalid("run.id is set by the launch itself");
			}
			if (value == null || value.isBlank() || value.length() > MAX_VALUE_LENGTH) {
				throw invalid(name + " needs a value of 1 to " + MAX_VALUE_LENGTH + " characters");
			}
			String trimmed = value.strip();
			if (trimmed.matches("-?\\d{1,18}")) {
				parameters.addLong(name, Long.parseLong(trimmed));
			}
			else {
				parameters.addString(name, trimmed);
			}
		});
		return parameters.toJobParameters();
	}

	/** Parses the console form's text: one {@code name=value} a line, blank lines ignored. */
	static Map<String, String> parseLines(String text) {
		Map<String, String> values = new java.util.LinkedHashMap<>();
		if (text == null) {
			return values;
		}
		for (String line : text.split("\\R")) {
			if (line.isBlank()) {
				continue;
			}
			int equals = line.indexOf('=');
			if (equals <= 0) {
				throw invalid("'" + line.strip() + "' is not name=value");
			}
			values.put(line.substring(0, equals).strip(), line.substring(equals + 1));
		}
		return values;
	}

	private static ConsoleActionException invalid(String problem) {
		return new ConsoleActionException(HttpStatus.BAD_REQUEST, "invalid parameters: " + problem);
	}
}
