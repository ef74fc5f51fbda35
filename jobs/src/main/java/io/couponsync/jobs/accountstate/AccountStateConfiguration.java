package io.couponsync.jobs.accountstate;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.CountersInFlight;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.platform.config.ProgramProperties;

/** What the jobs that read accounts share: decoding, reconciling, orphan reasons, the report and checkpoints. */
@Configuration(proxyBeanMethods = false)
public class AccountStateConfiguration {

	@Bean
	AccountDecoding accountDecoding(ProgramDecoder decoder, ProgramProperties program) {
		return new AccountDecoding(decoder, program.id());
	}

	@Bean
	OrphanReasons orphanReasons(StagingRepository staging) {
		return new OrphanReasons(staging);
	}

	@Bean
	DifferenceReport differenceReport(MongoDatabaseFactory mongo) {
		DifferenceReport report = new DifferenceReport(mongo.getMongoDatabase());
		report.createIndexes();
		return report;
	}

	@Bean
	AccountReadCheckpoints accountReadCheckpoints(MongoDatabaseFactory mongo) {
		return new AccountReadCheckpoints(mongo.getMongoDatabase());
	}

	@Bean
	CountersAtRead countersAtRead(Projections projections, ChainEventLog chainEventLog,
			CountersInFlight countersInFlight) {
		return new CountersAtRead(projections.counters(), chainEventLog, countersInFlight);
	}

	@Bean
	AccountReconciler accountReconciler(MongoDatabaseFactory mongo, ReadModelStore readModelStore,
			AccountDecoding accountDecoding, OrphanReasons orphanReasons, DifferenceReport differenceReport,
			CountersAtRead countersAtRead) {
		return new AccountReconciler(mongo.getMongoDatabase(), readModelStore, accountDecoding, orphanReasons,
				differenceReport, countersAtRead);
	}
}
