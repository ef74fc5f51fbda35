package io.couponsync.jobs.reconcile;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.accountstate.AccountReadCheckpoints;
import io.couponsync.jobs.accountstate.AccountReconciler;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobParameterRules;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.readmodel.ChainEventLog;
import io.couponsync.jobs.readmodel.PdaResolver;
import io.couponsync.jobs.readmodel.Projections;
import io.couponsync.jobs.readmodel.Recounts;
import io.couponsync.platform.config.ProgramProperties;

/**
 * reconcileJob: the read model made equal to the program's accounts, every field of them. {@code mode=incremental}
 * (the default): the accounts of what changed since the last run, of truncated transactions and of dead letters;
 * {@code mode=full}: every account of every type, listed by discriminator and read 100 per call, partitioned by type
 * and key range, then the per-type checkpoints. {@code types} narrows either to some account types, {@code dryRun}
 * reports without writing.
 */
@Configuration(proxyBeanMethods = false)
public class ReconcileJobConfiguration {

	public static final String JOB_NAME = "reconcileJob";

	static final String FULL_STEP = "reconcileFullStep";

	static final String WORKER_STEP = "reconcileAccountsStep";

	@Bean
	KeyListing reconcileKeyListing(MongoDatabaseFactory mongo) {
		KeyListing listing = new KeyListing(mongo.getMongoDatabase());
		listing.createIndexes();
		return listing;
	}

	@Bean
	TouchedAccounts reconcileTouchedAccounts(MongoDatabaseFactory mongo, StagingRepository staging,
			ChainEventLog chainEventLog, Projections projections, PdaResolver pdaResolver, Recounts recounts,
			ProgramDecoder decoder, ProgramProperties program) {
		TouchedAccounts touched = new TouchedAccounts(mongo.getMongoDatabase(), staging, chainEventLog, projections,
				pdaResolver, recounts, decoder, program.id());
		touched.createIndexes(Projections.COLLECTION_OF_ACCOUNT_TYPE.values());
		return touched;
	}

	@Bean
	@StepScope
	AccountTypePartitioner reconcilePartitioner(KeyListing reconcileKeyListing, SolanaRpcClient rpc,
			ProgramDecoder decoder, AccountReadCheckpoints checkpoints, ProgramProperties program,
			JobsProperties properties, @Value("#{stepExecution}") StepExecution stepExecution,
			@Value("#{jobParameters['types']}") String types) {
		return new AccountTypePartitioner(reconcileKeyListing, rpc, decoder, checkpoints, program.id(),
				properties.reconcile().commitment(), properties.reconcile().partitionAccounts(),
				stepExecution.getJobExecution().getJobInstance().getInstanceId(),
				ReconcileParameters.of("full", types, null).types());
	}

	@Bean
	@StepScope
	AccountKeyPageReader reconcileAccountReader(KeyListing reconcileKeyListing,
			@Value("#{stepExecution}") StepExecution stepExecution) {
		return new AccountKeyPageReader(reconcileKeyListing,
				stepExecution.getJobExecution().getJobInstance().getInstanceId(), stepExecution.getExecutionContext());
	}

	@Bean
	@StepScope
	AccountPageWriter reconcileAccountWriter(SolanaRpcClient rpc, MongoDatabaseFactory mongo,
			AccountReconciler reconciler, KeyListing reconcileKeyListing, JobsProperties properties, ObjectProvider<MeterRegistry> registry,
			ObjectProvider<AccountPageWriter.PageListener> pages, @Value("#{stepExecution}") StepExecution stepExecution,
			@Value("#{jobParameters['dryRun']}") String dryRun) {
		String commitment = properties.reconcile().commitment();
		return new AccountPageWriter(rpc, mongo.getMongoDatabase(), reconciler, reconcileKeyListing, commitment,
				new AccountReconciler.Settings(stepExecution.getJobExecutionId(), "true".equals(dryRun),
						"finalized".equals(commitment)),
				stepExecution, registry.getIfAvailable(SimpleMeterRegistry::new),
				pages.getIfAvailable(() -> AccountPageWriter.PageListener.NONE));
	}

	@Bean
	@StepScope
	FullReconcileCompletionTasklet reconcileCompletionTasklet(KeyListing reconcileKeyListing,
			AccountReadCheckpoints checkpoints, @Value("#{jobParameters['types']}") String types,
			@Value("#{jobParameters['dryRun']}") String dryRun) {
		ReconcileParameters parameters = ReconcileParameters.of("full", types, dryRun);
		return new FullReconcileCompletionTasklet(reconcileKeyListing, checkpoints, parameters.types(),
				parameters.dryRun());
	}

	@Bean
	@StepScope
	IncrementalReconcileTasklet reconcileIncrementalTasklet(SolanaRpcClient rpc, TouchedAccounts reconcileTouchedAccounts,
			AccountReconciler reconciler, AccountReadCheckpoints checkpoints, StagingRepository staging,
			ObjectProvider<MeterRegistry> registry, JobsProperties properties,
			@Value("#{jobParameters['types']}") String types, @Value("#{jobParameters['dryRun']}") String dryRun) {
		ReconcileParameters parameters = ReconcileParameters.of("incremental", types, dryRun);
		List<String> collections = parameters.types().stream().map(Projections.COLLECTION_OF_ACCOUNT_TYPE::get)
			.toList();
		return new IncrementalReconcileTasklet(rpc, reconcileTouchedAccounts, reconciler, checkpoints, staging,
				registry.getIfAvailable(SimpleMeterRegistry::new), properties.reconcile().commitment(), collections,
				parameters.dryRun());
	}

	@Bean
	Step reconcileAccountsStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			JobsProperties properties, AccountKeyPageReader reconcileAccountReader,
			AccountPageWriter reconcileAccountWriter) {
		return new StepBuilder(WORKER_STEP, jobRepository)
			.<KeyPage, KeyPage>chunk(properties.reconcile().pagesPerChunk())
			.transactionManager(transactionManager)
			.reader(reconcileAccountReader)
			.writer(reconcileAccountWriter)
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
	Step reconcileFullStep(JobRepository jobRepository, Step reconcileAccountsStep,
			AccountTypePartitioner reconcilePartitioner, JobsProperties properties) {
		// why: not an Executor bean, which would replace Spring Boot's application task executor; a throttled
		// executor starts at most `parallelism` partitions at once and keeps no threads between runs
		SimpleAsyncTaskExecutor partitions = new SimpleAsyncTaskExecutor("reconcile-");
		partitions.setConcurrencyLimit(properties.reconcile().parallelism());
		return new StepBuilder(FULL_STEP, jobRepository)
			.partitioner(WORKER_STEP, reconcilePartitioner)
			.step(reconcileAccountsStep)
			.taskExecutor(partitions)
			.gridSize(properties.reconcile().parallelism())
			.aggregator(new ReconcileTallyAggregator())
			.build();
	}

	@Bean
	Step reconcileCompletionStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			FullReconcileCompletionTasklet reconcileCompletionTasklet) {
		return new StepBuilder("reconcileCompletionStep", jobRepository)
			.tasklet(reconcileCompletionTasklet, transactionManager)
			.build();
	}

	@Bean
	Step reconcileIncrementalStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			IncrementalReconcileTasklet reconcileIncrementalTasklet) {
		return new StepBuilder("reconcileIncrementalStep", jobRepository)
			.tasklet(reconcileIncrementalTasklet, transactionManager)
			.build();
	}

	@Bean
	Job reconcileJob(JobRepository jobRepository, Step reconcileFullStep, Step reconcileCompletionStep,
			Step reconcileIncrementalStep, InFlightExecutions inFlightExecutions) {
		ReconcileModeDecider mode = new ReconcileModeDecider();
		JobParameterRules names = JobParameterRules.of(JOB_NAME).text(ReconcileParameters.MODE)
			.text(ReconcileParameters.TYPES).text(ReconcileParameters.DRY_RUN);
		ReconcileParameters.Validator values = new ReconcileParameters.Validator();
		return new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions)
			.validator(parameters -> {
				names.validate(parameters);
				values.validate(parameters);
			})
			.start(mode)
			.on(ReconcileModeDecider.FULL).to(reconcileFullStep).next(reconcileCompletionStep)
			.from(mode).on(ReconcileModeDecider.INCREMENTAL).to(reconcileIncrementalStep)
			.end()
			.build();
	}
}
