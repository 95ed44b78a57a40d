-- The `{ value }` a task's successful attempt returned for the tasks downstream (`ctx.upstream`), as JSON with
-- secrets masked (see core/task-values.ts); null for other attempts and tasks that return none.
ALTER TABLE dwh.etl_task_runs ADD COLUMN value jsonb;
