import type { Warehouse } from '../db/connection.js';
import type { CheckKind, CheckResult, CheckStatus, QueryFn, Severity } from '../quality/types.js';

/** One row of dwh.dq_results as read back. */
export interface DqResultRow {
  result_id: number;
  run_id: number | null;
  project_name: string;
  task_name: string | null;
  attempt: number | null;
  check_name: string;
  check_type: CheckKind;
  table_name: string | null;
  severity: Severity;
  blocking: boolean;
  status: CheckStatus;
  observed_value: number | null;
  threshold: string | null;
  failing_row_count: number | null;
  failing_rows_sample: Record<string, unknown>[] | null;
  message: string | null;
  duration_ms: number;
  checked_at: Date;
}

export interface ResultOrigin {
  runId: number | null;
  project: string;
  task: string | null;
  attempt: number | null;
}

/** Stores the results of one batch of checks in one statement. */
export async function insertDqResults(
  query: QueryFn,
  origin: ResultOrigin,
  results: CheckResult[],
): Promise<void> {
  if (results.length === 0) return;
  const values: unknown[] = [];
  const rows = results.map((r) => {
    const row = [
      origin.runId,
      origin.project,
      origin.task,
      origin.attempt,
      r.name,
      r.kind,
      r.table,
      r.severity,
      r.blocking,
      r.status,
      r.observed,
      r.threshold,
      r.failingRows,
      r.sample === null ? null : JSON.stringify(r.sample),
      r.message,
      r.durationMs,
      r.checkedAt,
    ];
    const placeholders = row.map((value) => `$${values.push(value)}`);
    placeholders[13] = `${placeholders[13]}::jsonb`;
    return `(${placeholders.join(', ')})`;
  });
  await query(
    `insert into dwh.dq_results (run_id, project_name, task_name, attempt, check_name, check_type, table_name,
       severity, blocking, status, observed_value, threshold, failing_row_count, failing_rows_sample, message,
       duration_ms, checked_at)
     values ${rows.join(', ')}`,
    values,
  );
}

/** The DQ results of one run, in the order the checks ran. */
export async function listDqResults(
  warehouse: Pick<Warehouse, 'query'>,
  runId: number,
): Promise<DqResultRow[]> {
  return warehouse.query<DqResultRow>(`select * from dwh.dq_results where run_id = $1 order by result_id`, [
    runId,
  ]);
}

/** Recent results of a project (with and without a run), newest first. */
export async function listProjectDqResults(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
  limit = 100,
): Promise<DqResultRow[]> {
  return warehouse.query<DqResultRow>(
    `select * from dwh.dq_results where project_name = $1 order by result_id desc limit $2`,
    [project, limit],
  );
}
