package io.couponsync.jobs.finality;

import java.time.Duration;

import com.mongodb.client.model.Filters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.transaction.PlatformTransactionManager;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingStatus;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.batch.SyncGauges;
import io.couponsync.jobs.batch.StagedTransactionReader;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.Recounts;

/** finalityJob: confirmed → finalized, or dropped by a fork and undone; chunks of 256, one status call each. */
@Configuration(proxyBeanMethods = false)
public class FinalityJobConfiguration {

	public static final String JOB_NAME = "finalityJob";

	@Bean
	@StepScope
	StagedTransactionReader finalityReader(MongoStagingRepository staging) {
		return new StagedTransactionReader(staging.collection(),
				Filters.and(Filters.eq("commitment", ChainCommitment.CONFIRMED.value()),
						Filters.ne("status", StagingStatus.DROPPED.value())),
				SolanaRpcClient.MAX_SIGNATURE_STATUSES, "finalityReader");
	}

	@Bean
	@StepScope
	FinalityWriter finalityWriter(SolanaRpcClient rpc, MongoDatabaseFactory mongo, ChainEventLog chainEventLog,
			Projections projections, ReadModelStore readModelStore, Recounts recounts, PdaResolver pdaResolver,
			ProgramDecoder decoder, JobsProperties properties, ObjectProvider<MeterRegistry> registry,
			SyncGauges syncGauges) {
		MeterRegistry meters = registry.getIfAvailable(SimpleMeterRegistry::new);
		ForkUndo undo = new ForkUndo(mongo.getMongoDatabase(), chainEventLog, projections, readModelStore, recounts,
				pdaResolver, decoder, rpc);
		BlockPositions blockPositions = !properties.finality().recordBlockOrder() ? null
				: new BlockPositions(mongo.getMongoDatabase().getCollection(MongoStagingRepository.COLLECTION), rpc);
		return new FinalityWriter(rpc, mongo.getMongoDatabase(), chainEventLog, readModelStore, blockPositions, undo,
				properties.finality().dropMarginSlots(), meters.counter("sync.finality.finalized"),
				meters.counter("sync.finality.dropped"), meters.counter("sync.finality.relanded"), syncGauges);
	}

	@Bean
	Step finalityStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			StagedTransactionReader finalityReader, FinalityWriter finalityWriter) {
		return new StepBuilder("finalityStep", jobRepository)
			.<StagedTransaction, StagedTransaction>chunk(SolanaRpcClient.MAX_SIGNATURE_STATUSES)
			.transactionManager(transactionManager)
			.reader(finalityReader)
			.writer(finalityWriter)
			.listener((org.springframework.batch.core.listener.StepExecutionListener) finalityWriter)
			.faultTolerant()
			.retryPolicy(RetryPolicy.builder()
				.maxRetries(3)
				.delay(Duration.ofMillis(500))
				.multiplier(2)
				.includes(com.mongodb.MongoSocketException.class, com.mongodb.MongoTimeoutException.class)
				.build())
			.build();
	}

	@Bean
	Job finalityJob(JobRepository jobRepository, Step finalityStep, InFlightExecutions inFlightExecutions) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions).start(finalityStep).build();
	}
}
