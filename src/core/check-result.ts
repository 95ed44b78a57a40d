/**
 * The result of a data quality check, shared by the layers that touch it: quality produces it, the dq result
 * store (audit) writes and reads it, the run e-mail (notify) and the dashboard (monitor) show it.
 *
 * Glossary (see shared DESIGN.md):
 * - kind:      which check it is (`not_null`, `unique` …); the checks themselves are defined in quality.
 * - severity:  `error` (the data is wrong) or `warn` (worth a look).
 * - status:    `pass`; `warn` (a warn check failed, or a freshness warn threshold); `fail` (an error check
 *              failed); `error` (the check could not run: missing table, bad SQL).
 * - result:    what one evaluation of a check found (CheckResult).
 * - row:       the same result as stored in `dwh.dq_results`, with the run, task and attempt it belongs to
 *              (DqResultRow), under the table's column names.
 */

export type Severity = 'warn' | 'error';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error';

/** Every kind of check; quality defines one check (and one handler) per kind. */
export type CheckKind =
  | 'not_null'
  | 'unique'
  | 'accepted_values'
  | 'range'
  | 'relationships'
  | 'row_count'
  | 'record_discrepancy'
  | 'freshness'
  | 'stale_projects'
  | 'schema_drift'
  | 'gaps'
  | 'volume_anomaly'
  | 'expression';

/** What one evaluation of a check found, as `evaluateCheck` returns it and `dwh dq --json` prints it. */
export interface CheckResult {
  name: string;
  kind: CheckKind;
  table: string | null;
  severity: Severity;
  /** A failing blocking `error` check fails its task. */
  blocking: boolean;
  status: CheckStatus;
  /** The number the check measured (failing rows, row count, age in hours, missing days …). */
  observed: number | null;
  threshold: string | null;
  failingRows: number | null;
  /** Up to 10 failing rows, so a result can be acted on without re-running its query. */
  sample: Record<string, unknown>[] | null;
  message: string;
  durationMs: number;
  checkedAt: Date;
}

/** Where results come from: the run, task and attempt that evaluated them (run, attempt null for `dwh dq`). */
export interface CheckOrigin {
  runId: number | null;
  project: string;
  task: string | null;
  attempt: number | null;
}

/**
 * One row of dwh.dq_results as read back: a CheckResult and its CheckOrigin under the column names
 * (name → check_name, kind → check_type, table → table_name, observed → observed_value, failingRows →
 * failing_row_count, sample → failing_rows_sample, durationMs → duration_ms, checkedAt → checked_at).
 */
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
