package io.couponsync.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.couponsync.chain.staging.MongoStagingRepository;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.jobs.JobsIntegrationTest;
import io.couponsync.jobs.readmodel.ProgramHistory;

/**
 * With Boot's structured JSON logs on, a line a job logs while it runs (here the apply job's dead-letter warning)
 * carries the job's execution id and name as fields.
 */
@JobsIntegrationTest
@TestPropertySource(properties = { "spring.datasource.url=jdbc:h2:mem:job-log-context-it;DB_CLOSE_DELAY=-1",
		"logging.structured.format.console=ecs" })
@ExtendWith(OutputCaptureExtension.class)
class JobLogContextIT {

	@Autowired
	private MongoStagingRepository staging;

	@Autowired
	private JobRunner runner;

	@Autowired
	@Qualifier("applyEventsJob")
	private Job applyEventsJob;

	@Test
	void aJobsLogLinesCarryItsExecutionId(CapturedOutput output) throws Exception {
		String program = ProgramHistory.PROGRAM_ID;
		staging.insertIfAbsent(List.of(StagedTransaction.fromWebSocket("log-context-1", 7, null,
				List.of("Program " + program + " invoke [1]", "Program data: AQIDBAUGBwg=", "Program " + program
						+ " success"),
				Instant.now())));

		JobExecution execution = runner.run(applyEventsJob, new JobParameters());

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		JsonNode deadLetterLine = output.getOut().lines().filter(line -> line.startsWith("{"))
			.map(line -> JsonMapper.builder().build().readTree(line))
			.filter(line -> line.path("message").asString("").startsWith("Dead letter log-context-1"))
			.findFirst().orElseThrow(() -> new AssertionError("no dead-letter line in:\n" + output.getOut()));
		assertThat(deadLetterLine.path("jobExecutionId").asString()).isEqualTo(String.valueOf(execution.getId()));
		assertThat(deadLetterLine.path("jobName").asString()).isEqualTo("applyEventsJob");
	}
}
