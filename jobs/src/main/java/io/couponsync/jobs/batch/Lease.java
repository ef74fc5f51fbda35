package io.couponsync.jobs.batch;

import java.time.Instant;

/**
 * A lease row: the group of jobs it excludes ({@code name}), the process holding it ({@code owner}, host:pid:uuid),
 * the launch holding it ({@code token}), the job that launch runs, and when it lapses without a heartbeat.
 */
public record Lease(String name, String owner, String token, String jobName, Instant acquiredAt,
		Instant heartbeatAt, Instant expiresAt) {
}
