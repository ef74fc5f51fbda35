package io.couponsync.listener;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The slim listener process: the program's logs over WebSocket into the staging collection, nothing else. */
@SpringBootApplication
public class ListenerApplication {

	public static void main(String[] args) {
		// why: set here, not in a packaged application.yml, since this module is also a library of the jobs
		// application, whose own application.yml must be the one on its classpath
		new SpringApplicationBuilder(ListenerApplication.class)
			.properties("spring.application.name=coupon-sync-listener",
					"spring.config.import=optional:file:./config/listener.yml")
			.run(args);
	}
}
