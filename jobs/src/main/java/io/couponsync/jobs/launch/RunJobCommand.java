package io.couponsync.jobs.launch;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.batch.JobRunner;

/**
 * {@code java -jar jobs.jar run <jobName> [name=value ...] [--spring.property=value ...]}: runs one job to its
 * end in a process with no web server, listener or schedule (a Kubernetes CronJob's entry point, or an operator's
 * replay), restarting the job's last execution instead if that one failed. Values that are whole numbers are
 * passed as longs, anything else (flags such as {@code requeueDeadLetters=true} included) as text. Exit code 0 when the execution
 * completed, 1 when it did not or could not run (one line on stderr says why), 2 for bad arguments.
 */
public final class RunJobCommand {

	private RunJobCommand() {
	}

	public static int run(Class<?> configurationRoot, String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0 || args[0].startsWith("-")) {
			err.println("usage: run <jobName> [name=value ...] [--spring.property=value ...]");
			return 2;
		}
		String jobName = args[0];
		JobParametersBuilder parameters = new JobParametersBuilder();
		List<String> springArgs = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			if (args[i].startsWith("--")) {
				springArgs.add(args[i]);
				continue;
			}
			int equals = args[i].indexOf('=');
			if (equals <= 0) {
				err.println("run: '" + args[i] + "' is not name=value");
				return 2;
			}
			addParameter(parameters, args[i].substring(0, equals), args[i].substring(equals + 1));
		}
		ConfigurableApplicationContext started;
		try {
			started = CommandContext.start(configurationRoot, springArgs);
		}
		catch (Exception ex) {
			err.println("run: " + jobName + " could not start: " + CommandFailure.describe(ex));
			return 1;
		}
		try (ConfigurableApplicationContext context = started) {
			Map<String, Job> jobs = context.getBeansOfType(Job.class);
			Job job = jobs.values().stream().filter(j -> j.getName().equals(jobName)).findFirst().orElse(null);
			if (job == null) {
				err.println("run: no job named '" + jobName + "'; jobs: "
						+ jobs.values().stream().map(Job::getName).sorted().toList());
				return 2;
			}
			JobExecution execution = context.getBean(JobRunner.class).run(job, parameters.toJobParameters());
			if (execution == null) {
				err.println("run: " + jobName + " is already running");
				return 1;
			}
			out.println(jobName + " execution " + execution.getId() + ": " + execution.getStatus());
			if (execution.getStatus() == BatchStatus.COMPLETED) {
				return 0;
			}
			err.println("run: " + jobName + " execution " + execution.getId() + " " + execution.getStatus() + ": "
					+ reason(execution));
			return 1;
		}
		catch (Exception ex) {
			err.println("run: " + jobName + " could not run: " + CommandFailure.describe(ex));
			return 1;
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

	private static void addParameter(JobParametersBuilder parameters, String name, String value) {
		if (value.matches("-?\\d{1,18}")) {
			parameters.addLong(name, Long.parseLong(value));
		}
		else {
			// why: text, booleans included; the jobs read flags as "true"/"false"
			parameters.addString(name, value);
		}
	}
}
