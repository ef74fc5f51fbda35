package io.couponsync.jobs.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.JobsApplication;

/**
 * The application context of a one-shot command ({@code run}, {@code verify}): the jobs application with no web
 * server, no listener and no schedule, so the command's work is the only work the process does.
 *
 * <p>
 * A command is often started while the application runs (the one-process default): it then uses that application's
 * embedded MongoDB server rather than fail to start a second one on the same port and file
 * ({@code sync.mongodb.embedded.reuse-running}), and leaves that application's running job executions alone. Spring
 * Boot's start-up failure report is silenced: the command says why it failed in one line ({@link CommandFailure}).
 */
public final class CommandContext {

	/** Defaults a command's own arguments or configuration can still override. */
	private static final Map<String, Object> COMMAND_DEFAULTS = Map.of(
			"sync.mongodb.embedded.reuse-running", "true",
			"logging.level.org.springframework.boot.SpringApplication", "OFF",
			"logging.level.org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter", "OFF",
			"logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext", "ERROR");

	private CommandContext() {
	}

	/** Starts it with the command line's {@code --spring.property=value} arguments. */
	public static ConfigurableApplicationContext start(List<String> springArgs) {
		List<String> args = new ArrayList<>(List.of("--sync.listener.enabled=false",
				"--sync.jobs.schedule-enabled=false"));
		args.addAll(springArgs);
		return new SpringApplicationBuilder(JobsApplication.class).web(WebApplicationType.NONE)
			.properties(COMMAND_DEFAULTS)
			.run(args.toArray(String[]::new));
	}
}
