-- `dwh run <project> --resume`: a run that re-runs, for the same window, what a failed or crashed run left
-- undone links to that run, so the chain of runs of one window can be followed (and the same run is not
-- resumed twice); null for every other run.
ALTER TABLE dwh.etl_runs ADD COLUMN resumed_from bigint REFERENCES dwh.etl_runs (run_id) ON DELETE SET NULL;
CREATE INDEX etl_runs_resumed_from_idx ON dwh.etl_runs (resumed_from) WHERE resumed_from IS NOT NULL;
-- A task a resumed run does not run again gets one `success` row in it that names the run whose attempt it
-- reuses; null for attempts that ran. Its records stay counted in that run only.
ALTER TABLE dwh.etl_task_runs ADD COLUMN reused_from bigint REFERENCES dwh.etl_runs (run_id) ON DELETE SET NULL;
-- What a successful attempt reported beyond records and value — its data dates, records per table, the tasks
-- a branch followed, a short-circuit — so that a resumed run can take the task as if it had just run: a crashed
-- run never wrote its run-level data dates, and a branch's choice must hold again without running it.
ALTER TABLE dwh.etl_task_runs ADD COLUMN reported jsonb;
