package io.couponsync.jobs.batch;

import java.util.Map;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * Job parameters from text (the command line, a schedule's data, a form): whole numbers become longs, anything else
 * text, flags such as {@code requeueDeadLetters=true} included; each job's {@link JobParameterRules} then checks
 * names and kinds.
 */
public final class TextJobParameters {

	private TextJobParameters() {
	}

	public static JobParameters of(Map<String, String> values) {
		JobParametersBuilder parameters = new JobParametersBuilder();
		values.forEach((name, value) -> {
			if (value.matches("-?\\d{1,18}")) {
				parameters.addLong(name, Long.parseLong(value));
			}
			else {
				parameters.addString(name, value);
			}
		});
		return parameters.toJobParameters();
	}
}
