-- Backfills: one row per `dwh backfill` of a project over a date range, one row per window of it.
-- Re-running the same backfill continues from its first window that is not yet successful.
CREATE TABLE dwh.backfills (
  backfill_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_name  text NOT NULL,
  environment   text NOT NULL,
  load_type     char(1) NOT NULL CHECK (load_type IN ('I', 'F')),
  start_date    timestamptz NOT NULL,
  end_date      timestamptz NOT NULL,
  load_days     integer NOT NULL CHECK (load_days >= 1),
  status        text NOT NULL CHECK (status IN ('running', 'success', 'failed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  host          text NOT NULL,
  pid           integer NOT NULL,
  error_message text,
  CHECK (start_date < end_date)
);

-- "The same command" is the same project, environment, load type, range and window size.
CREATE INDEX backfills_identity_idx
  ON dwh.backfills (project_name, environment, load_type, start_date, end_date, load_days, backfill_id DESC);

CREATE TABLE dwh.backfill_windows (
  backfill_id     bigint NOT NULL REFERENCES dwh.backfills (backfill_id) ON DELETE CASCADE,
  window_index    integer NOT NULL CHECK (window_index >= 1),
  start_load_date timestamptz NOT NULL,
  end_load_date   timestamptz NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'running', 'success', 'failed')),
  run_id          bigint,
  tries           integer NOT NULL DEFAULT 0,
  started_at      timestamptz,
  ended_at        timestamptz,
  error_message   text,
  PRIMARY KEY (backfill_id, window_index),
  CHECK (start_load_date < end_load_date)
);

-- Runs started by a backfill carry its id; ordinary runs leave it null.
ALTER TABLE dwh.etl_runs ADD COLUMN backfill_id bigint REFERENCES dwh.backfills (backfill_id) ON DELETE SET NULL;
CREATE INDEX etl_runs_backfill_idx ON dwh.etl_runs (backfill_id) WHERE backfill_id IS NOT NULL;
