package io.couponsync.jobs.launch;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.NoSuchJobException;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.batch.JobLaunch;
import io.couponsync.jobs.batch.JobRunner;
import io.couponsync.jobs.batch.Lease;
import io.couponsync.jobs.batch.TextJobParameters;

/**
 * {@code java -jar jobs.jar run <jobName> [--restart | --scheduled] [name=value ...] [--spring.property=value ...]}: runs one job
 * to its end in a process with no web server, listener or schedule (a Kubernetes CronJob's entry point, or an
 * operator's replay), through the job's lease like every launch.
 * <ul>
 * <li>{@code run <job> name=value ...} starts a new instance with those parameters;</li>
 * <li>{@code run <job> --restart} restarts the job's last execution if it failed or stopped;</li>
 * <li>{@code run <job>} does what the schedule does: restarts the last execution if it failed or stopped and ran
 * without parameters, else starts a new instance;</li>
 * <li>{@code run <job> --scheduled name=value ...} does what a trigger with those parameters does: restarts the last
 * execution if it failed or stopped and ran with the same parameters, else starts a new instance (a CronJob's runs
 * with parameters, so that a long run cut short by the pod's deadline is continued, not begun again).</li>
 * </ul>
 * Values that are whole numbers are passed as longs, anything else as text; each job refuses names it does not read
 * and values of the wrong kind. Exit codes: 0 the execution completed; 1 it did not, or the command could not start
 * (one line on stderr says why); 2 bad arguments (unknown job, malformed or unknown parameter, bad value, nothing to
 * restart); 3 another execution holds the job's lease.
 */
public final class RunJobCommand {

	static final int COMPLETED = 0;

	static final int FAILED = 1;

	static final int BAD_ARGUMENTS = 2;

	static final int LEASE_HELD = 3;

	private static final String USAGE = "usage: run <jobName> [--restart | --scheduled] [name=value ...] [--spring.property=value ...]";

	private RunJobCommand() {
	}

	public static int run(Class<?> configurationRoot, String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0 || args[0].startsWith("-")) {
			err.println(USAGE);
			return BAD_ARGUMENTS;
		}
		String jobName = args[0];
		Map<String, String> parameters = new LinkedHashMap<>();
		List<String> springArgs = new ArrayList<>();
		boolean restart = false;
		boolean scheduled = false;
		for (int i = 1; i < args.length; i++) {
			if (args[i].equals("--restart")) {
				restart = true;
				continue;
			}
			if (args[i].equals("--scheduled")) {
				scheduled = true;
				continue;
			}
			if (args[i].startsWith("--")) {
				springArgs.add(args[i]);
				continue;
			}
			int equals = args[i].indexOf('=');
			if (equals <= 0) {
				err.println("run: '" + args[i] + "' is not name=value; " + USAGE);
				return BAD_ARGUMENTS;
			}
			parameters.put(args[i].substring(0, equals), args[i].substring(equals + 1));
		}
		if (restart && scheduled) {
			err.println("run: --restart and --scheduled exclude each other; " + USAGE);
			return BAD_ARGUMENTS;
		}
		if (restart && !parameters.isEmpty()) {
			err.println("run: --restart takes no parameters: the restarted execution keeps its own");
			return BAD_ARGUMENTS;
		}
		ConfigurableApplicationContext started;
		try {
			started = CommandContext.start(configurationRoot, springArgs);
		}
		catch (Exception ex) {
			err.println("run: " + jobName + " could not start: " + CommandFailure.describe(ex));
			return FAILED;
		}
		try (ConfigurableApplicationContext context = started) {
			JobRunner runner = context.getBean(JobRunner.class);
			JobParameters given = TextJobParameters.of(parameters);
			JobLaunch launch = restart ? runner.restart(jobName)
					: parameters.isEmpty() || scheduled ? runner.launch(jobName, given) : runner.start(jobName, given);
			return report(jobName, launch, out, err);
		}
		catch (NoSuchJobException | InvalidJobParametersException ex) {
			err.println("run: " + ex.getMessage());
			return BAD_ARGUMENTS;
		}
		catch (Exception ex) {
			err.println("run: " + jobName + " could not run: " + CommandFailure.describe(ex));
			return FAILED;
		}
	}

	private static int report(String jobName, JobLaunch launch, PrintStream out, PrintStream err) {
		switch (launch.outcome()) {
			case LEASE_HELD -> {
				Lease holder = launch.holder();
				err.println("run: " + jobName + " not started: another execution holds its lease"
						+ (holder == null ? "" : " " + holder.name() + " (" + holder.jobName() + " in " + holder.owner()
								+ ", until " + holder.expiresAt() + " unless renewed)"));
				return LEASE_HELD;
			}
			case SHUTTING_DOWN -> {
				err.println("run: " + jobName + " not started: the process is shutting down");
				return FAILED;
			}
			case NOTHING_TO_RESTART -> {
				err.println("run: " + jobName + " has no failed or stopped last execution to restart");
				return BAD_ARGUMENTS;
			}
			default -> {
				JobExecution execution = launch.execution();
				out.println(jobName + " execution " + execution.getId() + ": " + execution.getStatus());
				if (execution.getStatus() == BatchStatus.COMPLETED) {
					return COMPLETED;
				}
				err.println("run: " + jobName + " execution " + execution.getId() + " " + execution.getStatus() + ": "
						+ reason(execution));
				return FAILED;
			}
		}
	}

	/**
	 * Why an execution did not complete, in one line: a step's own exit description where one says it in words
	 * (the apply job's skip-limit advice), else the first failure; never the stack trace Spring Batch puts in exit
	 * descriptions, which the job repository keeps.
	 */
	private static String reason(JobExecution execution) {
		for (StepExecution step : execution.getStepExecutions()) {
			String description = step.getExitStatus().getExitDescription();
			if (description != null && !description.isBlank() && !description.contains("\tat ")) {
				return description.strip().replaceAll("\\s+", " ");
			}
		}
		List<Throwable> failures = execution.getAllFailureExceptions();
		if (!failures.isEmpty()) {
			return CommandFailure.describe(failures.get(0));
		}
		String description = execution.getExitStatus().getExitDescription();
		return description == null || description.isBlank() ? execution.getExitStatus().getExitCode()
				: description.strip().lines().findFirst().orElse("");
	}
}
