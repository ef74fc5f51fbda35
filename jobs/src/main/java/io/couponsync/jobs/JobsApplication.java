package io.couponsync.jobs;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The batch platform's Spring configuration root: jobs, scheduling, the listener when enabled. {@link JobsMain} starts
 * it, or runs one of the commands, which start it themselves in their own way.
 */
@SpringBootApplication
public class JobsApplication {
}
