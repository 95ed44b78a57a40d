-- A task that did not run because of its trigger rule, a branch or a short-circuit is recorded `skipped`, the
-- reason in error_message (see core/trigger-rules.ts).
ALTER TABLE dwh.etl_task_runs DROP CONSTRAINT etl_task_runs_status_check;
ALTER TABLE dwh.etl_task_runs ADD CONSTRAINT etl_task_runs_status_check CHECK (
  status IN ('running', 'success', 'failed', 'up_for_retry', 'upstream_failed', 'disabled', 'skipped')
);
