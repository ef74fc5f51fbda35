-- The jobs' coordination across processes, beside Spring Batch's tables in the job repository's database.
-- One script for H2 and PostgreSQL alike; times are epoch milliseconds of the database's clock (LeaseStore), so
-- hosts whose clocks or time zones differ agree on when a lease expires.

-- A lease per group of jobs that must not run side by side (io.couponsync.jobs.batch.JobLeases): held by one
-- launch (token) of one process (owner) until it is released or expires_at passes without a heartbeat.
create table if not exists job_lease (
	lease_name varchar(100) not null primary key,
	owner varchar(250) not null,
	token varchar(36) not null,
	job_name varchar(100) not null,
	acquired_at bigint not null,
	heartbeat_at bigint not null,
	expires_at bigint not null
);

-- An operator's acknowledgement of a failed or stopped execution (io.couponsync.jobs.retention
-- .FailureAcknowledgements): until then the retention job keeps it, however old.
create table if not exists job_failure_ack (
	job_execution_id bigint not null primary key,
	acknowledged_by varchar(250) not null,
	acknowledged_at bigint not null
);
