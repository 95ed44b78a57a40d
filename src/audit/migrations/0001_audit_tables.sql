-- Run audit: one row per run (etl_runs) and one row per task attempt (etl_task_runs).
CREATE TABLE dwh.etl_runs (
  run_id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_name                text NOT NULL,
  environment                 text NOT NULL,
  script_version              text NOT NULL,
  load_type                   char(1) NOT NULL CHECK (load_type IN ('I', 'F')),
  start_load_date             timestamptz NOT NULL,
  end_load_date               timestamptz NOT NULL,
  previous_max_date           timestamptz,
  data_min_date               timestamptz,
  data_max_date               timestamptz,
  start_script_execution_time timestamptz NOT NULL DEFAULT now(),
  end_script_execution_time   timestamptz,
  status                      text NOT NULL CHECK (status IN ('running', 'success', 'failed', 'crashed')),
  number_of_records           bigint NOT NULL DEFAULT 0,
  target_database             text,
  target_table                text,
  error_message               text,
  host                        text NOT NULL,
  pid                         integer NOT NULL,
  heartbeat_at                timestamptz NOT NULL DEFAULT now(),
  git_sha                     text,
  parameters                  jsonb NOT NULL DEFAULT '{}'::jsonb,
  email_status                text,
  CHECK (start_load_date < end_load_date)
);

-- The incremental window reads the latest successful run of a project.
CREATE INDEX etl_runs_project_status_idx ON dwh.etl_runs (project_name, status, end_load_date DESC);
CREATE INDEX etl_runs_start_idx ON dwh.etl_runs (start_script_execution_time DESC);

CREATE TABLE dwh.etl_task_runs (
  run_id        bigint NOT NULL REFERENCES dwh.etl_runs (run_id) ON DELETE CASCADE,
  task_name     text NOT NULL,
  attempt       integer NOT NULL CHECK (attempt >= 1),
  status        text NOT NULL CHECK (status IN ('running', 'success', 'failed', 'up_for_retry', 'upstream_failed', 'disabled')),
  started_at    timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz,
  error_message text,
  records       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, task_name, attempt)
);

-- alter_tables.sql statements of projects, each applied once.
CREATE TABLE dwh.applied_ddl (
  project_name   text NOT NULL,
  statement_hash text NOT NULL,
  statement      text NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT now(),
  run_id         bigint,
  PRIMARY KEY (project_name, statement_hash)
);
