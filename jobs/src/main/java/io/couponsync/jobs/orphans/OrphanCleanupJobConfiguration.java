package io.couponsync.jobs.orphans;

import java.time.Duration;
import java.util.List;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.ExecutionContextPromotionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.transaction.PlatformTransactionManager;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.jobs.accountstate.AccountDecoding;
import io.couponsync.jobs.accountstate.AccountReadCheckpoints;
import io.couponsync.jobs.accountstate.AccountReconciler;
import io.couponsync.jobs.batch.InFlightExecutions;
import io.couponsync.jobs.batch.JobParameterRules;
import io.couponsync.jobs.batch.JobsProperties;
import io.couponsync.jobs.readmodel.Projections;

/**
 * orphanCleanupJob: (1) every read-model document not marked orphaned has its account read, 100 per call; those
 * whose account is gone are marked orphaned with time and reason ({@code closed}, {@code dropped-by-fork},
 * {@code never-existed}); (2) documents orphaned longer than {@code retentionDays} (job parameter, default
 * {@code sync.jobs.orphans.retention-days}) are purged. {@code stakers} is not an account and is skipped.
 */
@Configuration(proxyBeanMethods = false)
public class OrphanCleanupJobConfiguration {

	public static final String JOB_NAME = "orphanCleanupJob";

	/** The collections of accounts, in a fixed order (the reader's position names one by index). */
	static final List<String> COLLECTIONS = Projections.COLLECTION_OF_ACCOUNT_TYPE.values().stream().sorted().toList();

	@Bean
	@StepScope
	ReadModelDocumentReader orphanCleanupReader(MongoDatabaseFactory mongo) {
		var database = mongo.getMongoDatabase();
		for (String collection : COLLECTIONS) {
			// why: the purge's query; sparse, as only orphans have the field
			database.getCollection(collection).createIndex(Indexes.ascending("orphanedAt"),
					new IndexOptions().name("orphaned_at").sparse(true));
		}
		return new ReadModelDocumentReader(database, COLLECTIONS, SolanaRpcClient.MAX_MULTIPLE_ACCOUNTS);
	}

	@Bean
	@StepScope
	OrphanCheckWriter orphanCleanupWriter(SolanaRpcClient rpc, AccountReconciler reconciler, JobsProperties properties,
			AccountReadCheckpoints checkpoints, ObjectProvider<MeterRegistry> registry,
			@Value("#{stepExecution}") StepExecution stepExecution) {
		String commitment = properties.reconcile().commitment();
		return new OrphanCheckWriter(rpc, reconciler, commitment, new AccountReconciler.Settings(
				stepExecution.getJobExecutionId(), false, "finalized".equals(commitment)), stepExecution,
				registry.getIfAvailable(SimpleMeterRegistry::new), checkpoints.orphanCleanup());
	}

	@Bean
	@StepScope
	OrphanPurgeTasklet orphanCleanupPurgeTasklet(MongoDatabaseFactory mongo, AccountReadCheckpoints checkpoints,
			SolanaRpcClient rpc, JobsProperties properties, ObjectProvider<MeterRegistry> registry,
			AccountDecoding accountDecoding,
			@Value("#{jobParameters['retentionDays']}") Long retentionDays) {
		long days = retentionDays != null ? retentionDays : properties.orphans().retentionDays();
		if (days < 0) {
			throw new IllegalArgumentException("orphanCleanupJob: retentionDays=" + days + " is negative");
		}
		return new OrphanPurgeTasklet(mongo.getMongoDatabase(), COLLECTIONS, Duration.ofDays(days), checkpoints, rpc,
				properties.reconcile().commitment(), registry.getIfAvailable(SimpleMeterRegistry::new), accountDecoding);
	}

	@Bean
	Step orphanCheckStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			ReadModelDocumentReader orphanCleanupReader, OrphanCheckWriter orphanCleanupWriter) throws Exception {
		ExecutionContextPromotionListener promotion = new ExecutionContextPromotionListener();
		promotion.setKeys(new String[] { OrphanCheckWriter.MIN_READ_SLOT });
		promotion.afterPropertiesSet();
		return new StepBuilder("orphanCheckStep", jobRepository)
			.<OrphanCandidate, OrphanCandidate>chunk(SolanaRpcClient.MAX_MULTIPLE_ACCOUNTS)
			.transactionManager(transactionManager)
			.reader(orphanCleanupReader)
			.writer(orphanCleanupWriter)
			.listener(promotion)
			.build();
	}

	@Bean
	Step orphanPurgeStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			OrphanPurgeTasklet orphanCleanupPurgeTasklet) {
		return new StepBuilder("orphanPurgeStep", jobRepository)
			.tasklet(orphanCleanupPurgeTasklet, transactionManager)
			.build();
	}

	@Bean
	Job orphanCleanupJob(JobRepository jobRepository, Step orphanCheckStep, Step orphanPurgeStep,
			InFlightExecutions inFlightExecutions) {
		return new JobBuilder(JOB_NAME, jobRepository).listener(inFlightExecutions)
			.validator(JobParameterRules.of(JOB_NAME).wholeNumber("retentionDays", 0, 36_500))
			.start(orphanCheckStep)
			.next(orphanPurgeStep)
			.build();
	}
}
