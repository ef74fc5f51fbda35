package io.couponsync.jobs.batch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

import io.couponsync.chain.Base58;

/**
 * The parameters a job reads, by name and kind: a launch naming any other (a typo such as {@code fromslot}) or
 * giving a value of the wrong kind is refused before it runs, rather than silently ignored. {@code run.id}, which
 * {@link JobRunner} adds to tell instances apart, is always allowed.
 */
public final class JobParameterRules implements JobParametersValidator {

	private enum Kind {
		WHOLE_NUMBER, FLAG, TEXT, SIGNATURE
	}

	private final String jobName;

	private final Map<String, Kind> kinds;

	/** The bounds of each whole-number parameter: least and greatest value. */
	private final Map<String, long[]> bounds;

	private JobParameterRules(String jobName, Map<String, Kind> kinds, Map<String, long[]> bounds) {
		this.jobName = jobName;
		this.kinds = kinds;
		this.bounds = bounds;
	}

	/** A job that reads no parameters. */
	public static JobParameterRules of(String jobName) {
		return new JobParameterRules(jobName, Map.of(), Map.of());
	}

	/** A whole number of at least {@code minimum} (a slot: 0). */
	public JobParameterRules wholeNumber(String name, long minimum) {
		return wholeNumber(name, minimum, Long.MAX_VALUE);
	}

	/** A whole number from {@code minimum} to {@code maximum} (a number of days: 1 to 36,500). */
	public JobParameterRules wholeNumber(String name, long minimum, long maximum) {
		JobParameterRules rules = with(name, Kind.WHOLE_NUMBER);
		Map<String, long[]> more = new LinkedHashMap<>(bounds);
		more.put(name, new long[] { minimum, maximum });
		return new JobParameterRules(jobName, rules.kinds, more);
	}

	/** {@code true} or {@code false}. */
	public JobParameterRules flag(String name) {
		return with(name, Kind.FLAG);
	}

	public JobParameterRules text(String name) {
		return with(name, Kind.TEXT);
	}

	/** A transaction signature: 64 bytes in base58. */
	public JobParameterRules signature(String name) {
		return with(name, Kind.SIGNATURE);
	}

	private JobParameterRules with(String name, Kind kind) {
		Map<String, Kind> more = new LinkedHashMap<>(kinds);
		more.put(name, kind);
		return new JobParameterRules(jobName, more, bounds);
	}

	@Override
	public void validate(JobParameters parameters) throws InvalidJobParametersException {
		List<String> problems = new ArrayList<>();
		for (JobParameter<?> parameter : parameters) {
			String name = parameter.name();
			Object value = parameter.value();
			if ("run.id".equals(name)) {
				continue;
			}
			Kind kind = kinds.get(name);
			if (kind == null) {
				problems.add("unknown parameter '" + name + "'"
						+ (kinds.isEmpty() ? " (it takes none)" : " (it takes " + kinds.keySet() + ")"));
			}
			else if (kind == Kind.WHOLE_NUMBER && !(value instanceof Long || value instanceof Integer)) {
				problems.add(name + "=" + value + " is not a whole number");
			}
			else if (kind == Kind.WHOLE_NUMBER && bounds.containsKey(name)
					&& ((Number) value).longValue() < bounds.get(name)[0]) {
				problems.add(name + "=" + value + " is less than " + bounds.get(name)[0]);
			}
			else if (kind == Kind.WHOLE_NUMBER && bounds.containsKey(name)
					&& ((Number) value).longValue() > bounds.get(name)[1]) {
				problems.add(name + "=" + value + " is more than " + bounds.get(name)[1]);
			}
			else if (kind == Kind.FLAG && !List.of("true", "false").contains(String.valueOf(value))) {
				problems.add(name + "=" + value + " is not true or false");
			}
			else if (kind == Kind.SIGNATURE && !Base58.isSignature(String.valueOf(value))) {
				problems.add(name + "=" + value + " is not a transaction signature (64 bytes in base58)");
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidJobParametersException(jobName + ": " + String.join("; ", problems));
		}
	}
}
