-- How often the run's process writes heartbeat_at, so readers (crash recovery, the monitor) can tell a live run
-- from one whose process is gone without sharing its DWH_HEARTBEAT_MS. Null for runs recorded before.
ALTER TABLE dwh.etl_runs ADD COLUMN heartbeat_ms integer;
