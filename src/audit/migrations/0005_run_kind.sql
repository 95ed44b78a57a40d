-- What a run executed. `full`: every task of the factory was run (disabled tasks are part of the factory's
-- definition and do not make a run partial). `partial`: only the tasks in selected_tasks (`--tasks`), or some
-- tasks were skipped. Only a full, successful run is the base of the next incremental window.
ALTER TABLE dwh.etl_runs ADD COLUMN run_kind text NOT NULL DEFAULT 'full' CHECK (run_kind IN ('full', 'partial'));
-- The tasks a `--tasks` run was limited to, in factory order; null when the run was not limited.
ALTER TABLE dwh.etl_runs ADD COLUMN selected_tasks text[];
