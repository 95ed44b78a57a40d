-- Rows a transform set aside as rejects (mapping onError: reject), per run and per attempt.
ALTER TABLE dwh.etl_runs ADD COLUMN number_of_rejected_records bigint NOT NULL DEFAULT 0;
ALTER TABLE dwh.etl_task_runs ADD COLUMN rejected bigint NOT NULL DEFAULT 0;
