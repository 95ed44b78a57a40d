-- Data quality results: one row per check evaluation. run_id is null for `dwh dq` (checks without a run).
CREATE TABLE dwh.dq_results (
  result_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id              bigint REFERENCES dwh.etl_runs (run_id) ON DELETE CASCADE,
  project_name        text NOT NULL,
  task_name           text,
  attempt             integer,
  check_name          text NOT NULL,
  check_type          text NOT NULL,
  table_name          text,
  severity            text NOT NULL CHECK (severity IN ('warn', 'error')),
  blocking            boolean NOT NULL,
  status              text NOT NULL CHECK (status IN ('pass', 'warn', 'fail', 'error')),
  observed_value      double precision,
  threshold           text,
  failing_row_count   bigint,
  -- up to 10 failing rows, for acting on a result without re-running its query
  failing_rows_sample jsonb,
  message             text,
  duration_ms         integer NOT NULL,
  checked_at          timestamptz NOT NULL DEFAULT now()
);

-- A run's results (e-mail, dashboard) and a check's history.
CREATE INDEX dq_results_run_idx ON dwh.dq_results (run_id);
CREATE INDEX dq_results_history_idx ON dwh.dq_results (project_name, check_name, checked_at DESC);
