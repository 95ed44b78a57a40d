import type { Warehouse } from '../db/connection.js';
import { redactText, redactValue } from '../logging/redact.js';

/**
 * Data quality results of a run, read from `dwh.dq_results` with plain SQL so the monitor works whether or not
 * the quality checks are installed: without the table a run simply has no results to show.
 */
export interface DqResult {
  check: string;
  /** The task that ran the check, when recorded. */
  task: string | null;
  kind: string | null;
  table: string | null;
  severity: string | null;
  status: string;
  observed: string | null;
  threshold: string | null;
  failingRows: number | null;
  message: string | null;
  /** Up to a few failing rows, secrets masked. */
  sample: unknown;
  durationMs: number | null;
  checkedAt: Date | null;
}

export type DqResults = { available: false } | { available: true; results: DqResult[] };

export async function dqTableExists(warehouse: Warehouse): Promise<boolean> {
  const [row] = await warehouse.query<{ t: string | null }>(
    `select to_regclass('dwh.dq_results')::text as t`,
  );
  return Boolean(row?.t);
}

/** Each field under the first of its candidate column names that exists. */
const COLUMNS = {
  check: ['check_name', 'name', 'check'],
  kind: ['check_kind', 'kind', 'check_type', 'type'],
  table: ['table_name', 'target_table', 'table'],
  severity: ['severity'],
  status: ['status'],
  observed: ['observed', 'observed_value'],
  threshold: ['threshold'],
  failingRows: ['failing_rows', 'failing_row_count', 'failed_rows'],
  message: ['message', 'detail'],
  sample: ['failing_rows_sample', 'sample', 'sample_rows'],
  task: ['task_name'],
  durationMs: ['duration_ms'],
  checkedAt: ['checked_at', 'created_at'],
} as const;

function pick(row: Record<string, unknown>, field: keyof typeof COLUMNS): unknown {
  for (const column of COLUMNS[field]) if (column in row) return row[column];
  return null;
}

const text = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : redactText(typeof value === 'string' ? value : JSON.stringify(value));

export async function runDqResults(warehouse: Warehouse, runId: number): Promise<DqResults> {
  if (!(await dqTableExists(warehouse))) return { available: false };
  const rows = await warehouse.query<Record<string, unknown>>(
    `select * from dwh.dq_results where run_id = $1`,
    [runId],
  );
  const results = rows.map((row) => {
    const failing = pick(row, 'failingRows');
    const duration = pick(row, 'durationMs');
    const checkedAt = pick(row, 'checkedAt');
    return {
      check: text(pick(row, 'check')) ?? '(unnamed)',
      task: text(pick(row, 'task')),
      kind: text(pick(row, 'kind')),
      table: text(pick(row, 'table')),
      severity: text(pick(row, 'severity')),
      status: text(pick(row, 'status')) ?? 'unknown',
      observed: text(pick(row, 'observed')),
      threshold: text(pick(row, 'threshold')),
      failingRows: failing === null ? null : Number(failing),
      message: text(pick(row, 'message')),
      sample: redactValue(pick(row, 'sample')),
      durationMs: duration === null ? null : Number(duration),
      checkedAt: checkedAt instanceof Date ? checkedAt : null,
    };
  });
  const order: Record<string, number> = { error: 0, fail: 1, warn: 2, pass: 3 };
  results.sort((a, b) => (order[a.status] ?? 4) - (order[b.status] ?? 4) || a.check.localeCompare(b.check));
  return { available: true, results };
}
