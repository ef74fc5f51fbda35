package io.couponsync.jobs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import io.couponsync.jobs.readmodel.ProgramHistory;

/**
 * The set-up the jobs application's integration tests share: the whole application without a web server, on the
 * embedded MongoDB-wire server (memory backend, a free port) and the JDBC job repository, with the project's IDL,
 * and with nothing that runs by itself — no listener, no schedules, no job at start-up. The RPC points at a port
 * where nothing listens; a test on a simulator registers it with {@link SimulatorProperties} (dynamic properties
 * outrank these). Each test names its own in-memory job-repository database with {@code @TestPropertySource}, so
 * cached contexts never share one, and adds its own settings there. Each class's context is closed after it: none is
 * reused by another class, and a cached one would keep its threads and servers running through the rest of the run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = JobsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"sync.program.id=" + ProgramHistory.PROGRAM_ID, "sync.program.idl=../config/idl/discount_platform.json",
		"sync.solana.rpc-url=http://127.0.0.1:9", "sync.solana.ws-url=ws://127.0.0.1:9",
		"sync.listener.enabled=false", "sync.jobs.schedule.enabled=false", "sync.mongodb.embedded.port=0",
		"sync.mongodb.embedded.file=", "spring.batch.jdbc.initialize-schema=always",
		"spring.batch.job.enabled=false" })
@DirtiesContext
public @interface JobsIntegrationTest {
}
