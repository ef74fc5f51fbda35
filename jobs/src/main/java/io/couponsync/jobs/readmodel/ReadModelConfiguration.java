package io.couponsync.jobs.readmodel;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.platform.config.ProgramProperties;

/** The read model's shared, immutable parts, used by the jobs that write it. */
@Configuration(proxyBeanMethods = false)
public class ReadModelConfiguration {

	@Bean
	PdaResolver pdaResolver(ProgramDecoder decoder, ProgramProperties program) {
		return new PdaResolver(decoder.idl(), program.id());
	}

	@Bean
	ChainEventLog chainEventLog(MongoDatabaseFactory mongo) {
		ChainEventLog log = new ChainEventLog(mongo.getMongoDatabase());
		log.createIndexes();
		return log;
	}

	@Bean
	Projections projections(PdaResolver pdaResolver, ProgramDecoder decoder) {
		return new Projections(pdaResolver, decoder.idl());
	}

	@Bean
	EventReferences eventReferences(ReadModelStore readModelStore, Projections projections) {
		return new EventReferences(readModelStore, projections.references());
	}

	@Bean
	CounterJournal counterJournal(MongoDatabaseFactory mongo) {
		return new CounterJournal(mongo.getMongoDatabase(), Projections.derivedFields());
	}

	@Bean
	DerivedHistories derivedHistories() {
		return new DerivedHistories();
	}

	@Bean
	ReadModelStore readModelStore(MongoDatabaseFactory mongo) {
		return new ReadModelStore(mongo.getMongoDatabase());
	}

	@Bean
	AwardedBadges awardedBadges(PdaResolver pdaResolver, ProgramDecoder decoder) {
		return new AwardedBadges(pdaResolver, decoder.idl());
	}

	@Bean
	Recounts recounts(ChainEventLog chainEventLog, ReadModelStore readModelStore, Projections projections,
			DerivedHistories derivedHistories, AwardedBadges awardedBadges) {
		return new Recounts(chainEventLog, readModelStore, projections, derivedHistories, awardedBadges);
	}
}
