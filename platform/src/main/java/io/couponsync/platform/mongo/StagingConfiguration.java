package io.couponsync.platform.mongo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;

import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.MongoCoverageRepository;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.platform.config.ProgramProperties;

/**
 * The staging collection, shared by the listener (writes) and the jobs (read, backfill), the program's coverage
 * (listener checkpoints, gaps and heartbeats, the crawl checkpoint), and MongoDB health.
 */
@Configuration(proxyBeanMethods = false)
public class StagingConfiguration {

	/**
	 * The one staging repository; exposed as the port, so that nothing depends on how staging is stored.
	 */
	@Bean
	StagingRepository stagingRepository(MongoDatabaseFactory mongo) {
		MongoStagingRepository repository = new MongoStagingRepository(mongo.getMongoDatabase());
		repository.createIndexes();
		return repository;
	}

	/** The one coverage repository, for the configured program; exposed as the port. */
	@Bean
	CoverageRepository coverageRepository(MongoDatabaseFactory mongo, ProgramProperties program) {
		MongoCoverageRepository repository = new MongoCoverageRepository(mongo.getMongoDatabase(), program.id());
		repository.createIndexes();
		return repository;
	}

	/** Replaces Boot's MongoDB health indicator (same bean name) where health is on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class MongoHealthConfiguration {

		@Bean
		MongoPingHealthIndicator mongoHealthIndicator(MongoDatabaseFactory mongo) {
			return new MongoPingHealthIndicator(mongo);
		}
	}
}
