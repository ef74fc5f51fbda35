package io.couponsync.jobs.backfill;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.transaction.PlatformTransactionManager;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.CoverageRepository;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobParameterRules;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.batch.SyncGauges;
import io.couponsync.platform.config.ProgramProperties;
import io.couponsync.platform.config.SolanaProperties;

/**
 * backfillJob, the signature crawler: every transaction of the program that getSignaturesForAddress lists and
 * staging lacks is fetched with getTransaction and staged with source = backfill. It is what makes "nothing
 * lost" true, since the WebSocket resends nothing after a disconnect.
 */
@Configuration(proxyBeanMethods = false)
public class BackfillJobConfiguration {

	public static final String JOB_NAME = "backfillJob";

	static final String STEP_NAME = "backfillCrawlStep";

	@Bean
	@StepScope
	SignatureCrawlReader backfillReader(SolanaRpcClient rpc, ProgramProperties program, JobsProperties properties,
			CoverageRepository coverage, @Value("#{jobParameters['untilSignature']}") String untilSignature,
			@Value("#{jobParameters['fromSlot']}") Long fromSlot) {
		String until = untilSignature != null || fromSlot != null ? untilSignature
				: coverage.crawlCheckpoint().map(CoverageRepository.CrawlCheckpoint::signature).orElse(null);
		return new SignatureCrawlReader(rpc, program.id(), until, fromSlot == null ? 0 : fromSlot,
				properties.backfill().pageSize());
	}

	@Bean
	@StepScope
	BackfillStagingWriter backfillWriter(SolanaRpcClient rpc, StagingRepository staging,
			ExecutorService backfillFetchers, SolanaProperties solana, MongoDatabaseFactory mongo,
			ProgramProperties program) {
		return new BackfillStagingWriter(rpc, staging, backfillFetchers, solana.batchSize(),
				new VanishedSignatures(mongo.getMongoDatabase(), program.id()));
	}

	@Bean(destroyMethod = "shutdownNow")
	ExecutorService backfillFetchers(JobsProperties properties) {
		AtomicInteger threads = new AtomicInteger();
		return Executors.newFixedThreadPool(properties.backfill().concurrency(), runnable -> {
			Thread thread = new Thread(runnable, "backfill-fetch-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean
	Step backfillCrawlStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			JobsProperties properties, SignatureCrawlReader backfillReader, BackfillStagingWriter backfillWriter) {
		return new StepBuilder(STEP_NAME, jobRepository)
			.<SignatureRef, SignatureRef>chunk(properties.backfill().chunkSize())
			.transactionManager(transactionManager)
			.reader(backfillReader)
			.writer(backfillWriter)
			.faultTolerant()
			.retryPolicy(RetryPolicy.builder()
				.maxRetries(5)
				.delay(Duration.ofSeconds(1))
				.multiplier(2)
				.includes(BackfillStagingWriter.TransactionNotYetAvailableException.class,
						com.mongodb.MongoSocketException.class, com.mongodb.MongoTimeoutException.class)
				.build())
			.build();
	}

	@Bean
	Step backfillRefetchStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			SolanaRpcClient rpc, StagingRepository staging, JobsProperties properties) {
		return new StepBuilder("backfillRefetchStep", jobRepository)
			.tasklet(new RefetchTasklet(rpc, staging, properties.backfill().chunkSize()),
					transactionManager)
			.allowStartIfComplete(true)
			.build();
	}

	@Bean
	Job backfillJob(JobRepository jobRepository, Step backfillCrawlStep, Step backfillRefetchStep,
			CoverageRepository coverage, InFlightExecutions inFlightExecutions, SolanaRpcClient rpc,
			SyncGauges syncGauges) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions)
			.validator(JobParameterRules.of(JOB_NAME).wholeNumber("fromSlot", 0).signature("untilSignature"))
			.listener(new BackfillCompletion(coverage, rpc, syncGauges, jobRepository))
			.start(backfillCrawlStep)
			.next(backfillRefetchStep)
			.build();
	}
}
