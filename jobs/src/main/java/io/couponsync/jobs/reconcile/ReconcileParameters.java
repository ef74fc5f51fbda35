package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

import io.couponsync.jobs.readmodel.Projections;

/**
 * reconcileJob's parameters: {@code mode} ({@code incremental}, the default, or {@code full}), {@code types} (account
 * types to reconcile, comma-separated, with {@code mode=full} only; default all with a read-model collection) and
 * {@code dryRun} ({@code true}: report differences, write nothing).
 */
record ReconcileParameters(boolean full, List<String> types, boolean dryRun) {

	static final String MODE = "mode";

	static final String TYPES = "types";

	static final String DRY_RUN = "dryRun";

	static ReconcileParameters of(String mode, String types, String dryRun) {
		List<String> selected = types == null || types.isBlank()
				? Projections.COLLECTION_OF_ACCOUNT_TYPE.keySet().stream().sorted().toList()
				: Arrays.stream(types.split(",")).map(String::trim).filter(type -> !type.isEmpty()).distinct().toList();
		return new ReconcileParameters("full".equals(mode), selected, "true".equals(dryRun));
	}

	static ReconcileParameters of(JobParameters parameters) {
		return of(text(parameters, MODE), text(parameters, TYPES), text(parameters, DRY_RUN));
	}

	private static String text(JobParameters parameters, String name) {
		var parameter = parameters.getParameter(name);
		return parameter == null ? null : String.valueOf(parameter.value());
	}

	/** Rejects a launch with an unknown mode, type or flag before anything runs. */
	static final class Validator implements JobParametersValidator {

		@Override
		public void validate(JobParameters parameters) throws InvalidJobParametersException {
			List<String> problems = new ArrayList<>();
			String mode = text(parameters, MODE);
			if (mode != null && !List.of("incremental", "full").contains(mode)) {
				problems.add("mode=" + mode + " is not incremental or full");
			}
			String dryRun = text(parameters, DRY_RUN);
			if (dryRun != null && !List.of("true", "false").contains(dryRun)) {
				problems.add("dryRun=" + dryRun + " is not true or false");
			}
			for (String type : of(mode, text(parameters, TYPES), dryRun).types()) {
				if (!Projections.COLLECTION_OF_ACCOUNT_TYPE.containsKey(type)) {
					problems.add("types: " + type + " is not an account type with a read-model collection "
							+ Projections.COLLECTION_OF_ACCOUNT_TYPE.keySet().stream().sorted().toList());
				}
			}
			// why: an incremental run follows one checkpoint for every type; a run over some types would move it past
			// the changes of the others, which no later incremental run would read
			if (text(parameters, TYPES) != null && !"full".equals(mode)) {
				problems.add("types is for mode=full only: incremental runs reconcile every type");
			}
			if (!problems.isEmpty()) {
				throw new InvalidJobParametersException("reconcileJob: " + String.join("; ", problems));
			}
		}
	}
}
