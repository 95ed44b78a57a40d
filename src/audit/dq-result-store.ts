import type { CheckOrigin, CheckResult, DqResultRow } from '../core/check-result.js';
import type { Warehouse } from '../db/connection.js';

/**
 * dwh.dq_results: one row per check evaluation (core/check-result.ts). Checks write through `insertDqResults`;
 * the run e-mail, `dwh` library users and the dashboard read through the `list…` functions.
 */

/**
 * Whether dwh.dq_results exists: the dashboard reads a warehouse without migrating it, and an audit schema
 * from before the quality checks has no such table (its runs simply have no results).
 */
export async function dqResultsExist(warehouse: Pick<Warehouse, 'query'>): Promise<boolean> {
  const [row] = await warehouse.query<{ t: string | null }>(
    `select to_regclass('dwh.dq_results')::text as t`,
  );
  return Boolean(row?.t);
}

/** Stores the results of one batch of checks in one statement, `origin` on every row. */
export async function insertDqResults(
  warehouse: Pick<Warehouse, 'query'>,
  origin: CheckOrigin,
  results: readonly CheckResult[],
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
  await warehouse.query(
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
