package io.couponsync.jobs.batch;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * second inserter. Every time a row holds or is compared with is the database's clock, never a host's: a process
 * whose clock runs ahead cannot see another's live lease as expired.
 */
public class LeaseStore {

	/** The job name a start-up or console recovery holds a lease under (see {@link JobRunner#recoverAbandoned}). */
	public static final String RECOVERY = "recovery";

	/**
	 * The database's clock in epoch milliseconds, in SQL that H2 and PostgreSQL read alike. why: the one clock every
	 * process sharing the table agrees on; on PostgreSQL it is the statement's transaction start, which for these
	 * single auto-committed statements is the statement's own time.
	 */
	private static final String NOW = "cast(extract(epoch from current_timestamp) * 1000 as bigint)";

	private final JdbcTemplate jdbc;

	private final Duration ttl;

	private final String owner;

	public LeaseStore(JdbcTemplate jdbc, Duration ttl) {
		this(jdbc, ttl, processIdentity());
	}

	LeaseStore(JdbcTemplate jdbc, Duration ttl, String owner) {
		this.jdbc = jdbc;
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
	 * it and its expiry has not passed; the row as the database wrote it.
	 */
	public Optional<Lease> tryAcquire(String name, String jobName) {
		String token = UUID.randomUUID().toString();
		int takenOver = jdbc.update("update job_lease set owner = ?, token = ?, job_name = ?, acquired_at = " + NOW
				+ ", heartbeat_at = " + NOW + ", expires_at = " + NOW + " + ? where lease_name = ? and expires_at < "
				+ NOW, owner, token, jobName, ttl.toMillis(), name);
		if (takenOver == 0) {
			try {
				jdbc.update("insert into job_lease (lease_name, owner, token, job_name, acquired_at, heartbeat_at, "
						+ "expires_at) values (?, ?, ?, ?, " + NOW + ", " + NOW + ", " + NOW + " + ?)", name, owner,
						token, jobName, ttl.toMillis());
			}
			catch (DuplicateKeyException held) {
				return Optional.empty();
			}
		}
		// why: read back for the times the database gave it; within a time-to-live no one else can have taken it
		return find(name).filter(row -> row.token().equals(token));
	}

	/** Pushes the lease's expiry one time-to-live ahead; false when it was lost (it expired and was taken over). */
	public boolean renew(Lease lease) {
		return jdbc.update("update job_lease set heartbeat_at = " + NOW + ", expires_at = " + NOW
				+ " + ? where lease_name = ? and token = ?", ttl.toMillis(), lease.name(), lease.token()) == 1;
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
		Instant now = databaseNow();
		return find(name).filter(lease -> !lease.expiresAt().isBefore(now));
	}

	/** The lease row of that name, live or expired, if any. */
	public Optional<Lease> find(String name) {
		return jdbc.query("select lease_name, owner, token, job_name, acquired_at, heartbeat_at, expires_at "
				+ "from job_lease where lease_name = ?", (row, index) -> new Lease(row.getString(1), row.getString(2),
						row.getString(3), row.getString(4), Instant.ofEpochMilli(row.getLong(5)),
						Instant.ofEpochMilli(row.getLong(6)), Instant.ofEpochMilli(row.getLong(7))), name)
			.stream().findFirst();
	}

	/** The database's clock now, as lease rows hold times. */
	Instant databaseNow() {
		return Instant.ofEpochMilli(jdbc.queryForObject("select " + NOW, Long.class));
	}
}
