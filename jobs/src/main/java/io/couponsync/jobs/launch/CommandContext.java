package io.couponsync.jobs.launch;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.JobsApplication;

/**
 * The application context of a one-shot command ({@code run}, {@code verify}): the jobs application with no web
 * server, no listener and no schedule, so the command's work is the only work the process does.
 */
public final class CommandContext {

	private CommandContext() {
	}

	/** Starts it with the command line's {@code --spring.property=value} arguments. */
	public static ConfigurableApplicationContext start(List<String> springArgs) {
		List<String> args = new ArrayList<>(List.of("--sync.listener.enabled=false",
				"--sync.jobs.schedule-enabled=false"));
		args.addAll(springArgs);
		return new SpringApplicationBuilder(JobsApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}
}
