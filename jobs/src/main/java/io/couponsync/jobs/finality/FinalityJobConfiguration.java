package io.couponsync.jobs.finality;

import java.time.Duration;

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

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.accountstate.AccountDecoding;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobParameterRules;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.batch.StagedTransactionReader;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.jobs.blockorder.BlockPositions;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.CountersInFlight;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.Recounts;

/**
 * finalityJob: (1) confirmed → finalized, or recorded as dropped by a fork, in chunks of 256, one status call each;
 * (2) the recorded forks undone, a step of its own that fails and restarts like any step; (3) recently dropped
 * transactions asked about again, a bounded page per run, and staged again when the chain reports them; (4) block
 * orders read again where they were missing, resynced documents finalized, gauges.
 */
@Configuration(proxyBeanMethods = false)
public class FinalityJobConfiguration {

	public static final String JOB_NAME = "finalityJob";

	@Bean
	ForkUndos forkUndos(MongoDatabaseFactory mongo) {
		return new ForkUndos(mongo.getMongoDatabase());
	}

	/** Declared here, where both are known: the read model's package cannot see the fork undos. */
	@Bean
	CountersInFlight countersInFlight(CounterJournal counterJournal, ForkUndos forkUndos) {
		return () -> counterJournal.hasPending() || forkUndos.anyPending();
	}

	@Bean
	@StepScope
	StagedTransactionReader finalityReader(StagingRepository staging, SolanaRpcClient rpc) {
		return new StagedTransactionReader(new SettleableTransactions(staging, rpc),
				SolanaRpcClient.MAX_SIGNATURE_STATUSES, "finalityReader");
	}

	@Bean
	@StepScope
	FinalityWriter finalityWriter(SolanaRpcClient rpc, StagingRepository staging, ChainEventLog chainEventLog,
			ReadModelStore readModelStore, ForkUndos forkUndos, JobsProperties properties,
			ObjectProvider<MeterRegistry> registry, ObjectProvider<WriterCheckpoint> checkpoint) {
		MeterRegistry meters = registry.getIfAvailable(SimpleMeterRegistry::new);
		return new FinalityWriter(rpc, staging, chainEventLog, readModelStore, blockPositions(staging, rpc, properties),
				forkUndos, properties.finality().dropMarginSlots(), meters.counter("sync.finality.finalized"),
				checkpoint.getIfAvailable(() -> WriterCheckpoint.NONE));
	}

	private static BlockPositions blockPositions(StagingRepository staging, SolanaRpcClient rpc,
			JobsProperties properties) {
		return properties.finality().recordBlockOrder() ? new BlockPositions(staging, rpc) : null;
	}

	@Bean
	@StepScope
	ForkUndoTasklet forkUndoTasklet(ForkUndos forkUndos, StagingRepository staging, ChainEventLog chainEventLog,
			Projections projections, ReadModelStore readModelStore, Recounts recounts, CounterJournal counterJournal,
			PdaResolver pdaResolver, AccountDecoding accountDecoding, SolanaRpcClient rpc,
			ObjectProvider<MeterRegistry> registry,
			ObjectProvider<ForkUndoTasklet.StageListener> stages) {
		MeterRegistry meters = registry.getIfAvailable(SimpleMeterRegistry::new);
		return new ForkUndoTasklet(forkUndos, staging, chainEventLog, projections, readModelStore, recounts,
				counterJournal, pdaResolver, accountDecoding, rpc, meters.counter("sync.finality.dropped"),
				meters.counter("sync.finality.relanded"), stages.getIfAvailable(() -> ForkUndoTasklet.StageListener.NONE));
	}

	@Bean
	@StepScope
	DroppedRecheckTasklet droppedRecheckTasklet(StagingRepository staging, SolanaRpcClient rpc,
			JobsProperties properties, ObjectProvider<MeterRegistry> registry) {
		MeterRegistry meters = registry.getIfAvailable(SimpleMeterRegistry::new);
		return new DroppedRecheckTasklet(staging, rpc, properties.finality().recheckDroppedSlots(),
				properties.finality().recheckDroppedPerRun(), meters.counter("sync.finality.revived"));
	}

	@Bean
	@StepScope
	FinalitySettleTasklet finalitySettleTasklet(StagingRepository staging, ReadModelStore readModelStore,
			SolanaRpcClient rpc, JobsProperties properties, AccountDecoding accountDecoding) {
		return new FinalitySettleTasklet(readModelStore, blockPositions(staging, rpc, properties), rpc,
				new SetOnceFieldRereads(readModelStore, rpc, accountDecoding));
	}

	@Bean
	Step finalityStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			StagedTransactionReader finalityReader, FinalityWriter finalityWriter) {
		return new StepBuilder("finalityStep", jobRepository)
			.<StagedTransaction, StagedTransaction>chunk(SolanaRpcClient.MAX_SIGNATURE_STATUSES)
			.transactionManager(transactionManager)
			.reader(finalityReader)
			.writer(finalityWriter)
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
	Step forkUndoStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			ForkUndoTasklet forkUndoTasklet) {
		return new StepBuilder("forkUndoStep", jobRepository).tasklet(forkUndoTasklet, transactionManager).build();
	}

	@Bean
	Step droppedRecheckStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			DroppedRecheckTasklet droppedRecheckTasklet) {
		return new StepBuilder("droppedRecheckStep", jobRepository).tasklet(droppedRecheckTasklet, transactionManager)
			.build();
	}

	@Bean
	Step finalitySettleStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			FinalitySettleTasklet finalitySettleTasklet) {
		return new StepBuilder("finalitySettleStep", jobRepository).tasklet(finalitySettleTasklet, transactionManager)
			.build();
	}

	@Bean
	Job finalityJob(JobRepository jobRepository, Step finalityStep, Step forkUndoStep, Step droppedRecheckStep,
			Step finalitySettleStep, InFlightExecutions inFlightExecutions) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions)
			.validator(JobParameterRules.of(JOB_NAME))
			.start(finalityStep)
			.next(forkUndoStep)
			.next(droppedRecheckStep)
			.next(finalitySettleStep)
			.build();
	}
}
