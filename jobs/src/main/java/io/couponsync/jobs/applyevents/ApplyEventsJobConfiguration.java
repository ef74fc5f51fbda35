package io.couponsync.jobs.applyevents;

import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

import java.time.Clock;
import java.time.Duration;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.transaction.PlatformTransactionManager;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobParameterRules;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.batch.StagedTransactionReader;
import io.couponsync.jobs.batch.WriterCheckpoint;
import io.couponsync.jobs.blockorder.BlockPositions;
import io.couponsync.jobs.blockorder.BlockTimes;
import io.couponsync.jobs.finality.ForkUndos;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.ProjectionContext;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.ReadModelStore;
import io.couponsync.jobs.readmodel.CounterJournal;
import io.couponsync.jobs.readmodel.EventReferences;
import io.couponsync.jobs.readmodel.Recounts;
import io.couponsync.platform.config.ProgramProperties;

/**
 * applyEventsJob: a preparation step (replay from {@code fromSlot}, re-queue dead letters on request), a step that
 * reads the block order of the next slots where several transactions wait without their position, then the
 * chunk-oriented step staged transactions → decoded events → read model. Undecodable transactions are skipped
 * into the dead letters (up to the skip limit); transient MongoDB errors are retried with exponential backoff;
 * anything else fails the step, which a restart continues from its last committed chunk.
 */
@Configuration(proxyBeanMethods = false)
public class ApplyEventsJobConfiguration {

	public static final String JOB_NAME = "applyEventsJob";

	@Bean
	@StepScope
	StagedTransactionReader applyEventsReader(StagingRepository staging, JobsProperties properties,
			BlockTimes applyEventsBlockTimes) {
		return new StagedTransactionReader(new TransactionsToApply(staging, applyEventsBlockTimes),
				properties.apply().chunkSize(), "applyEventsReader");
	}

	/** A singleton, so the pause after an RPC failure holds across runs. */
	@Bean
	BlockTimes applyEventsBlockTimes(StagingRepository staging, SolanaRpcClient rpc, ObjectProvider<Clock> clock) {
		// why: what a failed read leaves, the account reads fill; not worth waiting out retries or a hung node
		return new BlockTimes(staging, rpc.withoutRetries(Duration.ofSeconds(5)), clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@StepScope
	TransactionDecodingProcessor applyEventsProcessor(ProgramDecoder decoder, ProgramProperties program,
			Projections projections) {
		return new TransactionDecodingProcessor(decoder, program.id(), projections.events());
	}

	@Bean
	@StepScope
	ReadModelWriter applyEventsWriter(StagingRepository staging, ChainEventLog chainEventLog,
			ReadModelStore readModelStore, Projections projections, EventReferences eventReferences,
			Recounts recounts, PdaResolver pdaResolver, ObjectProvider<WriterCheckpoint> checkpoint,
			DeadLetterStore deadLetters, JobsProperties properties, CounterJournal counterJournal,
			ForkUndos forkUndos, @Value("#{stepExecution.jobExecutionId}") Long jobExecutionId) {
		return new ReadModelWriter(chainEventLog, readModelStore, projections, eventReferences, recounts,
				staging, () -> new ProjectionContext(pdaResolver),
				checkpoint.getIfAvailable(() -> WriterCheckpoint.NONE), new DeadLetters(deadLetters, staging,
						properties.apply().maxWaits(), properties.apply().skipLimit()),
				counterJournal, jobExecutionId, forkUndos);
	}

	@Bean
	@StepScope
	DeadLetterSkipListener applyEventsSkipListener(DeadLetterStore deadLetters,
			@Value("#{stepExecution.jobExecutionId}") Long jobExecutionId) {
		return new DeadLetterSkipListener(deadLetters, jobExecutionId);
	}

	@Bean
	@StepScope
	PrepareApplyTasklet applyEventsPrepareTasklet(StagingRepository staging, DeadLetterStore deadLetters,
			@Value("#{jobParameters['fromSlot']}") Long fromSlot,
			@Value("#{jobParameters['requeueDeadLetters']}") String requeueDeadLetters) {
		return new PrepareApplyTasklet(staging, deadLetters, fromSlot,
				"true".equalsIgnoreCase(requeueDeadLetters));
	}

	@Bean
	Step applyEventsPrepareStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			PrepareApplyTasklet applyEventsPrepareTasklet) {
		return new StepBuilder("applyEventsPrepareStep", jobRepository)
			.tasklet(applyEventsPrepareTasklet, transactionManager)
			.build();
	}

	/** A singleton, so the pause after an RPC failure holds across runs. */
	@Bean
	BlockOrderTasklet applyEventsBlockOrderTasklet(StagingRepository staging, SolanaRpcClient rpc,
			JobsProperties properties, ObjectProvider<Clock> clock) {
		// why: the finality job reads what this leaves, so a failure is not worth waiting out retries or a hung node
		JobsProperties.Apply apply = properties.apply();
		return new BlockOrderTasklet(staging, new BlockPositions(staging, rpc.withoutRetries(Duration.ofSeconds(5))),
				apply.chunkSize(),
				apply.blockOrderSlots(), clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	Step applyEventsBlockOrderStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			BlockOrderTasklet applyEventsBlockOrderTasklet) {
		// why: a restarted execution has the backlog of its outage to apply, to be ordered first as well
		return new StepBuilder("applyEventsBlockOrderStep", jobRepository)
			.tasklet(applyEventsBlockOrderTasklet, transactionManager)
			.allowStartIfComplete(true)
			.build();
	}

	@Bean
	Step applyEventsStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			JobsProperties properties, StagedTransactionReader applyEventsReader,
			TransactionDecodingProcessor applyEventsProcessor, ReadModelWriter applyEventsWriter,
			DeadLetterSkipListener applyEventsSkipListener, DeadLetterStore deadLetters) {
		JobsProperties.Apply apply = properties.apply();
		ChunkOrientedStepBuilder<StagedTransaction, DecodedTransaction> step = new StepBuilder("applyEventsStep",
				jobRepository)
			.<StagedTransaction, DecodedTransaction>chunk(apply.chunkSize())
			.transactionManager(transactionManager)
			.reader(applyEventsReader)
			.processor(applyEventsProcessor)
			.writer(applyEventsWriter)
			.faultTolerant()
			.listener(new MissingDeadLetters(deadLetters))
			.retryPolicy(RetryPolicy.builder()
				.maxRetries(apply.retryLimit())
				.delay(Duration.ofMillis(200))
				.multiplier(2)
				.maxDelay(Duration.ofSeconds(10))
				.includes(MongoSocketException.class, MongoTimeoutException.class,
						MongoExecutionTimeoutException.class, MongoNotPrimaryException.class,
						MongoNodeIsRecoveringException.class)
				.build());
		if (apply.skipLimit() > 0) {
			step = step.skip(UndecodableTransactionException.class).skipLimit(apply.skipLimit())
				.skipListener(applyEventsSkipListener)
				.listener(new SkipLimitReport(apply.skipLimit()));
		}
		return step.build();
	}

	@Bean
	Job applyEventsJob(JobRepository jobRepository, Step applyEventsPrepareStep, Step applyEventsBlockOrderStep,
			Step applyEventsStep, InFlightExecutions inFlightExecutions, JobsProperties properties) {
		SimpleJobBuilder job = new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions)
			.validator(JobParameterRules.of(JOB_NAME).wholeNumber("fromSlot", 0).flag("requeueDeadLetters"))
			.start(applyEventsPrepareStep);
		if (properties.finality().recordBlockOrder() && properties.apply().blockOrderSlots() > 0) {
			job = job.next(applyEventsBlockOrderStep);
		}
		return job.next(applyEventsStep).build();
	}

	@Bean
	DeadLetterStore deadLetterStore(MongoDatabaseFactory mongo, StagingRepository staging) {
		DeadLetterStore store = new DeadLetterStore(mongo.getMongoDatabase(), staging);
		store.createIndexes();
		return store;
	}
}
