package io.couponsync.jobs.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleTrigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.couponsync.jobs.JobsApplication;
import io.couponsync.jobs.batch.JobLeases;
import io.couponsync.jobs.batch.LeaseStore;
import io.couponsync.platform.config.InvalidConfigurationException;

/**
 * The jobs application's Quartz scheduler: triggers from configuration (a trigger's own time zone or the schedule's),
 * in a JDBC store, one thread per job; a schedule Quartz could not follow refuses to start.
 */
class QuartzSchedulingIT {

	private static ConfigurableApplicationContext jobs(String database, String rpcUrl, String... schedule) {
		List<String> args = new ArrayList<>(List.of("--sync.program.id=9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3",
				"--sync.program.idl=../config/idl/discount_platform.json", "--sync.solana.rpc-url=" + rpcUrl,
				"--sync.solana.ws-url=ws://127.0.0.1:9", "--sync.solana.timeout=120s", "--sync.jobs.shutdown-timeout=1s", "--sync.listener.enabled=false",
				"--sync.mongodb.embedded.port=0", "--sync.mongodb.embedded.file=",
				"--spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1"));
		args.addAll(List.of(schedule));
		return new SpringApplicationBuilder(JobsApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	@Test
	void storesTheConfiguredTriggersAndNoneForJobsACronJobOwns() throws Exception {
		String[] schedule = { "--sync.jobs.schedule.triggers.applyEventsJob.interval=10m",
				"--sync.jobs.schedule.triggers.finalityJob.interval=10m",
				"--sync.jobs.schedule.triggers.finalityJob.owner=cronjob",
				"--sync.jobs.schedule.triggers.reconcileJob-full.job=reconcileJob",
				"--sync.jobs.schedule.triggers.reconcileJob-full.cron=0 0 */6 * * ?",
				"--sync.jobs.schedule.triggers.reconcileJob-full.misfire=fire-once-now",
				"--sync.jobs.schedule.triggers.reconcileJob-full.parameters.mode=full",
				"--sync.jobs.schedule.triggers.orphanCleanupJob.cron=0 15 3 * * ?",
				"--sync.jobs.schedule.triggers.orphanCleanupJob.time-zone=Europe/Paris" };
		try (ConfigurableApplicationContext context = jobs("quartz-triggers", "http://127.0.0.1:9", schedule)) {
			Scheduler scheduler = context.getBean(Scheduler.class);

			assertThat(scheduler.getJobKeys(GroupMatcher.jobGroupEquals("batch-jobs"))).extracting(JobKey::getName)
				.containsExactlyInAnyOrder("applyEventsJob", "backfillJob", "finalityJob", "orphanCleanupJob",
						"reconcileJob", "retentionJob");
			assertThat(scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals("batch-jobs")))
				.extracting(TriggerKey::getName)
				.containsExactlyInAnyOrder("applyEventsJob", "reconcileJob-full", "orphanCleanupJob");
			SimpleTrigger apply = (SimpleTrigger) scheduler.getTrigger(TriggerKey.triggerKey("applyEventsJob",
					"batch-jobs"));
			assertThat(apply.getRepeatInterval()).isEqualTo(Duration.ofMinutes(10).toMillis());
			assertThat(apply.getMisfireInstruction())
				.isEqualTo(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT);
			CronTrigger full = (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey("reconcileJob-full",
					"batch-jobs"));
			assertThat(full.getJobKey()).isEqualTo(JobKey.jobKey("reconcileJob", "batch-jobs"));
			assertThat(full.getCronExpression()).isEqualTo("0 0 */6 * * ?");
			assertThat(full.getTimeZone().getID()).isEqualTo("UTC");
			assertThat(full.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
			assertThat(full.getJobDataMap().getString("mode")).isEqualTo("full");
			CronTrigger orphans = (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey("orphanCleanupJob",
					"batch-jobs"));
			assertThat(orphans.getTimeZone().getID()).as("its own time zone, not the schedule's")
				.isEqualTo("Europe/Paris");
			assertThat(scheduler.getMetaData().isJobStoreClustered()).isTrue();
			assertThat(scheduler.getMetaData().isJobStoreSupportsPersistence()).isTrue();
		}
		try (ConfigurableApplicationContext context = jobs("quartz-triggers", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.applyEventsJob.interval=10m",
				"--sync.jobs.schedule.triggers.applyEventsJob.owner=cronjob")) {
			assertThat(context.getBean(Scheduler.class).getTriggerKeys(GroupMatcher.triggerGroupEquals("batch-jobs")))
				.as("the stored triggers follow the configuration").isEmpty();
		}
	}

	@Test
	void refusesToStartOnASchedulePointingNowhereOrAmbiguous() {
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.applyJob.interval=2s").close())
			.isInstanceOf(InvalidConfigurationException.class)
			.hasMessageStartingWith("sync.jobs.schedule.triggers.applyJob = 'applyJob': no such job");
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.applyEventsJob.interval=2s",
				"--sync.jobs.schedule.triggers.applyEventsJob.cron=0 * * * * ?").close())
			.hasStackTraceContaining("needs either cron or interval, not both");
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.applyEventsJob.cron=every minute").close())
			.hasStackTraceContaining("must be a Quartz cron expression");
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.retentionJob.cron=0 30 3 * * ?",
				"--sync.jobs.schedule.triggers.retentionJob.time-zone=Mars/Olympus_Mons").close())
			.hasStackTraceContaining("time-zone")
			.hasStackTraceContaining("Unknown time-zone ID: Mars/Olympus_Mons");
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.applyEventsJob.interval=2s",
				"--sync.jobs.schedule.triggers.applyEventsJob.time-zone=Europe/Paris").close())
			.hasStackTraceContaining("applies to cron expressions only");
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.reconcileJob-full.job=reconcileJob",
				"--sync.jobs.schedule.triggers.reconcileJob-full.cron=0 0 */6 * * ?",
				"--sync.jobs.schedule.triggers.reconcileJob-full.parameters.mode=ful").close())
			.isInstanceOf(InvalidConfigurationException.class)
			.hasMessageStartingWith("sync.jobs.schedule.triggers.reconcileJob-full.parameters = '{mode=ful}'")
			.hasMessageContaining("mode=ful is not incremental or full");
		assertThatThrownBy(() -> jobs("quartz-invalid", "http://127.0.0.1:9",
				"--sync.jobs.schedule.triggers.reconcileJob-full.job=reconcileJob",
				"--sync.jobs.schedule.triggers.reconcileJob-full.cron=0 0 */6 * * ?",
				"--sync.jobs.schedule.triggers.reconcileJob-full.parameter.mode=full").close())
			.hasStackTraceContaining("[sync.jobs.schedule.triggers.reconcilejob-full.parameter.mode] were left unbound");
	}

	@Test
	void aCrawlThatHangsDoesNotHoldBackTheReadModelJobs() throws Exception {
		// an RPC endpoint that accepts connections and never answers: the crawl waits on it
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				ConfigurableApplicationContext context = jobs("quartz-threads",
						"http://127.0.0.1:" + silent.getLocalPort(),
						"--sync.jobs.schedule.triggers.backfillJob.interval=100ms",
						"--sync.jobs.schedule.triggers.applyEventsJob.interval=100ms")) {
			JobRepository repository = context.getBean(JobRepository.class);

			await().atMost(Duration.ofSeconds(60)).until(() -> repository.findJobInstances("applyEventsJob").stream()
				.map(repository::getLastJobExecution).filter(e -> e != null && e.getStatus() == BatchStatus.COMPLETED).count() >= 3);

			assertThat(repository.findRunningJobExecutions("backfillJob")).as("the crawl still waits on the RPC")
				.singleElement().extracting(JobExecution::getStatus).isEqualTo(BatchStatus.STARTED);
			assertThat(repository.findJobInstances("backfillJob")).as("one crawl at a time").hasSize(1);
			assertThat(context.getBean(LeaseStore.class).find("backfillJob")).get()
				.extracting(lease -> lease.owner()).isEqualTo(context.getBean(LeaseStore.class).owner());
			assertThat(JobLeases.leaseOf("backfillJob")).isNotEqualTo(JobLeases.leaseOf("applyEventsJob"));
		}
	}
}
