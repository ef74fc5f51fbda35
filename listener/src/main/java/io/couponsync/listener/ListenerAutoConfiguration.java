package io.couponsync.listener;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.StagingInserts;
import io.couponsync.platform.PlatformAutoConfiguration;
import io.couponsync.platform.config.ProgramProperties;
import io.couponsync.platform.config.SolanaProperties;

/**
 * Runs the staging listener in any application that has this module, unless {@code sync.listener.enabled=false}
 * (as the jobs' Kubernetes CronJobs set, since a listener Deployment runs alone there).
 */
@AutoConfiguration(after = PlatformAutoConfiguration.class,
		afterName = "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration")
@ConditionalOnProperty(prefix = "sync.listener", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ListenerProperties.class)
public class ListenerAutoConfiguration {

	@Bean
	StagingListener stagingListener(ListenerProperties listener, SolanaProperties solana, ProgramProperties program,
			StagingInserts staging, CoverageRepository coverage, ObjectProvider<MeterRegistry> registry) {
		return new StagingListener(listener, solana.wsUrl(), program.id(), staging, coverage.listener(listener.id()),
				registry.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	ListenerHealthIndicator listenerHealthIndicator(StagingListener stagingListener) {
		return new ListenerHealthIndicator(stagingListener);
	}
}
