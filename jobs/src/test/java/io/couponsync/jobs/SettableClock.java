package io.couponsync.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A clock a test sets or moves forward, in the system's zone (the job repository's times are local), for the beans
 * that read the context's {@link Clock}: import {@link Configuration} and autowire this.
 */
public final class SettableClock extends Clock {

	private volatile Instant now;

	public SettableClock(Instant start) {
		this.now = start;
	}

	public void set(Instant instant) {
		now = instant;
	}

	public void advance(Duration duration) {
		now = now.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneId.systemDefault();
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return now;
	}

	/** The context's clock: a settable one, from the current time. */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Configuration {

		@Bean
		SettableClock clock() {
			return new SettableClock(Instant.now());
		}
	}
}
