-- A sensor checks its condition ("pokes") until it holds or its timeout passes: how many times it did is
-- recorded with each of its attempts, so a slow or timed-out sensor can be told from one that never started
-- (see sensors/sensor-loop.ts). Null for tasks that are not sensors.
ALTER TABLE dwh.etl_task_runs ADD COLUMN pokes integer;
