package io.couponsync.jobs.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;


/**
 * The application context of a one-shot command ({@code run}, {@code verify}): the jobs application with no web
 * server, no listener and no schedule, so the command's work is the only work the process does.
 *
 * <p>
 * A command is often started while the application runs (the one-process default): it then uses that application's
 * embedded MongoDB server rather than fail to start a second one on the same port and file
 * ({@code sync.mongodb.embedded.reuse-running}); the leases keep it from running or recovering what that
 * application runs (see {@code JobRunner}). No Quartz scheduler is created. Spring
 * Boot's start-up failure report and Spring Batch's step failure logs are silenced (the job repository keeps the
 * stack traces): the command says why it failed in one line ({@link CommandFailure}).
 */
public final class CommandContext {

	/** Above the configuration files (which set step log levels), below the command line, which may change them. */
	private static final Map<String, Object> COMMAND_SETTINGS = Map.of(
			"sync.mongodb.embedded.reuse-running", "true",
			// why: a command never schedules; and Quartz registers its connections JVM-wide by scheduler name, so a
			// command's scheduler would take over those of an application in the same JVM (tests)
			"spring.autoconfigure.exclude", "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
			"logging.level.org.springframework.boot.SpringApplication", "OFF",
			"logging.level.org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter", "OFF",
			"logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext", "ERROR",
			"logging.level.org.springframework.batch.core.step.AbstractStep", "OFF",
			"logging.level.org.springframework.batch.core.step.item.ChunkOrientedStep", "OFF");

	private CommandContext() {
	}

	/**
	 * Starts the application of {@code configurationRoot} with the command line's {@code --spring.property=value}
	 * arguments. why the root is given: the entry point beside it calls the commands, so naming it here would make
	 * the packages depend on each other in a cycle.
	 */
	public static ConfigurableApplicationContext start(Class<?> configurationRoot, List<String> springArgs) {
		List<String> args = new ArrayList<>(List.of("--sync.listener.enabled=false",
				"--sync.jobs.schedule.enabled=false"));
		args.addAll(springArgs);
		return new SpringApplicationBuilder(configurationRoot).web(WebApplicationType.NONE)
			.listeners(new CommandSettings())
			.run(args.toArray(String[]::new));
	}

	/** Adds {@link #COMMAND_SETTINGS} once the configuration files are read and before logging is set up. */
	private static final class CommandSettings
			implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			MutablePropertySources sources = event.getEnvironment().getPropertySources();
			MapPropertySource settings = new MapPropertySource("commandSettings", COMMAND_SETTINGS);
			if (sources.contains(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
				sources.addAfter(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, settings);
			}
			else {
				sources.addFirst(settings);
			}
		}

		@Override
		public int getOrder() {
			// why: after Boot's configuration-file loading (HIGHEST_PRECEDENCE + 10), before its logging set-up (+ 20)
			return Ordered.HIGHEST_PRECEDENCE + 15;
		}
	}
}
