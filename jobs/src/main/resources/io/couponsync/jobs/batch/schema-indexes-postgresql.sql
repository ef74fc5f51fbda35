-- Indexes Spring Batch's PostgreSQL schema lacks on the columns its own reads and deletes filter by (its reference
-- guide recommends them). Without them every launch's "last execution of this instance" and every purge scans
-- BATCH_JOB_EXECUTION whole, and jobs launched every second add some 86,000 instances a day. H2 indexes foreign
-- keys by itself, so this runs on PostgreSQL only.
create index if not exists batch_job_execution_instance_idx on BATCH_JOB_EXECUTION (JOB_INSTANCE_ID);
create index if not exists batch_job_execution_params_execution_idx on BATCH_JOB_EXECUTION_PARAMS (JOB_EXECUTION_ID);
create index if not exists batch_step_execution_execution_idx on BATCH_STEP_EXECUTION (JOB_EXECUTION_ID);
create index if not exists batch_job_instance_name_idx on BATCH_JOB_INSTANCE (JOB_NAME, JOB_INSTANCE_ID);
