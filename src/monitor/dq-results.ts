import { dqResultsExist, listDqResults } from '../audit/dq-result-store.js';
import type { CheckKind, CheckStatus, DqResultRow, Severity } from '../core/check-result.js';
import type { Warehouse } from '../db/connection.js';
import { redactText, redactValue } from '../logging/redact.js';

/**
 * A stored data quality result (DqResultRow) as the run page shows it and /api/runs/:id serves it: these field
 * names are the dashboard's JSON, text fields redacted once more (the page shows what any reader may see).
 */
interface DqResult {
  check: string;
  /** The task that ran the check, when recorded. */
  task: string | null;
  kind: CheckKind;
  table: string | null;
  severity: Severity;
  status: CheckStatus;
  observed: string | null;
  threshold: string | null;
  failingRows: number | null;
  message: string | null;
  /** Up to 10 failing rows, secrets masked. */
  sample: Record<string, unknown>[] | null;
  durationMs: number;
  checkedAt: Date;
}

/** Without dwh.dq_results (an audit schema from before the checks) a run simply has no results to show. */
export type DqResults = { available: false } | { available: true; results: DqResult[] };

const text = (value: string | null): string | null => (value === null ? null : redactText(value));

function toDqResult(row: DqResultRow): DqResult {
  return {
    check: redactText(row.check_name),
    task: text(row.task_name),
    kind: row.check_type,
    table: text(row.table_name),
    severity: row.severity,
    status: row.status,
    observed: row.observed_value === null ? null : String(row.observed_value),
    threshold: text(row.threshold),
    failingRows: row.failing_row_count,
    message: text(row.message),
    sample: redactValue(row.failing_rows_sample),
    durationMs: row.duration_ms,
    checkedAt: row.checked_at,
  };
}

/** Most urgent first: checks that could not run, failures, warnings, passes; by name within each. */
const ORDER: Record<CheckStatus, number> = { error: 0, fail: 1, warn: 2, pass: 3 };

export async function runDqResults(warehouse: Warehouse, runId: number): Promise<DqResults> {
  if (!(await dqResultsExist(warehouse))) return { available: false };
  const results = (await listDqResults(warehouse, runId)).map(toDqResult);
  results.sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.check.localeCompare(b.check));
  return { available: true, results };
}
