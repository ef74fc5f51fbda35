package io.couponsync.jobs.batch;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code job_lease} table in the job repository's database: at most one live lease per name across every
 * process sharing that database. Each move is one statement, so two processes racing for a lease cannot both win:
 * an expired row is taken over by a conditional update, a missing one is inserted and its primary key refuses a
 * second inserter.
 */
public class LeaseStore {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final Duration ttl;

	private final String owner;

	public LeaseStore(JdbcTemplate jdbc, Clock clock, Duration ttl) {
		this(jdbc, clock, ttl, processIdentity());
	}

	LeaseStore(JdbcTemplate jdbc, Clock clock, Duration ttl, String owner) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.ttl = ttl;
		this.owner = owner;
	}

	/** This process, as lease rows name it: host:pid:uuid (the uuid tells apart processes that reuse a pid). */
	static String processIdentity() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "unknown-host";
		}
		return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":" + UUID.randomUUID();
	}

	public String owner() {
		return owner;
	}

	/**
	 * Takes the lease for one launch of {@code jobName}, unless another launch (of this process or another) holds
	 * it and its expiry has not passed.
	 */
	public Optional<Lease> tryAcquire(String name, String jobName) {
		Instant now = clock.instant();
		Lease lease = new Lease(name, owner, UUID.randomUUID().toString(), jobName, now, now, now.plus(ttl));
		int takenOver = jdbc.update("update job_lease set owner = ?, token = ?, job_name = ?, acquired_at = ?, "
				+ "heartbeat_at = ?, expires_at = ? where lease_name = ? and expires_at < ?", lease.owner(),
				lease.token(), jobName, now.toEpochMilli(), now.toEpochMilli(), lease.expiresAt().toEpochMilli(), name,
				now.toEpochMilli());
		if (takenOver == 1) {
			return Optional.of(lease);
		}
		try {
			jdbc.update("insert into job_lease (lease_name, owner, token, job_name, acquired_at, heartbeat_at, "
					+ "expires_at) values (?, ?, ?, ?, ?, ?, ?)", name, lease.owner(), lease.token(), jobName,
					now.toEpochMilli(), now.toEpochMilli(), lease.expiresAt().toEpochMilli());
			return Optional.of(lease);
		}
		catch (DuplicateKeyException held) {
			return Optional.empty();
		}
	}

	/** Pushes the lease's expiry one time-to-live ahead; false when it was lost (it expired and was taken over). */
	public boolean renew(Lease lease) {
		long now = clock.millis();
		return jdbc.update("update job_lease set heartbeat_at = ?, expires_at = ? where lease_name = ? and token = ?",
				now, now + ttl.toMillis(), lease.name(), lease.token()) == 1;
	}

	public void release(Lease lease) {
		jdbc.update("delete from job_lease where lease_name = ? and token = ?", lease.name(), lease.token());
	}

	/**
	 * The lease of that name while it is live (not expired): no launch can take it until its holder lets go. A row
	 * expiring right now is still live, as tryAcquire takes one over only once {@code expires_at < now}.
	 */
	public Optional<Lease> live(String name) {
		// why: by the database's clock, which every process sharing the table reads alike (a host's may be skewed)
		long now = jdbc.queryForObject("select cast(extract(epoch from current_timestamp) * 1000 as bigint)", Long.class);
		return find(name).filter(lease -> lease.expiresAt().toEpochMilli() >= now);
	}

	/** The lease row of that name, live or expired, if any. */
	public Optional<Lease> find(String name) {
		return jdbc.query("select lease_name, owner, token, job_name, acquired_at, heartbeat_at, expires_at "
				+ "from job_lease where lease_name = ?", (row, index) -> new Lease(row.getString(1), row.getString(2),
						row.getString(3), row.getString(4), Instant.ofEpochMilli(row.getLong(5)),
						Instant.ofEpochMilli(row.getLong(6)), Instant.ofEpochMilli(row.getLong(7))), name)
			.stream().findFirst();
	}
}
