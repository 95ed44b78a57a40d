/**
 * Glossary (see shared DESIGN.md; the result of a check and its kind, severity and status types are in
 * core/check-result.ts):
 * - check:      one data quality assertion, a plain object with a literal `kind` (`notNull(…)`, `unique(…)` …).
 * - severity:   `error` (the data is wrong) or `warn` (worth a look). (Default: error)
 * - blocking:   a failing blocking `error` check fails its task, so dependents become upstream_failed and the
 *               run fails. Warnings never fail anything. (Default: true)
 * - observed:   the number the check measured (failing rows, row count, age in hours, missing days …).
 * - sample:     up to 10 failing rows as JSON, so a result can be acted on without re-running the query.
 * - result:     what one evaluation found (CheckResult), stored as one row of `dwh.dq_results`.
 */
import type { CheckKind, Severity } from '../core/check-result.js';
import { DwhError, EXIT } from '../core/errors.js';
import type { LoadWindow } from '../core/types.js';

/** Options every check accepts. */
export interface CheckCommon {
  /** Shown in results and logs. (Default: derived from the kind, table and columns) */
  name?: string;
  /** (Default: 'error') */
  severity?: Severity;
  /** A failing blocking error check fails the task. (Default: true) */
  blocking?: boolean;
  /**
   * Evaluate only once this project has a successful run; until then the result is a warning saying so. For
   * checks of tables another project fills, so a fresh warehouse does not fail on tables not loaded yet.
   */
  after?: string;
  /**
   * SQL predicate limiting the rows checked, e.g. `status <> 'cancelled'`. It may use `:start_load_date`,
   * `:end_load_date`, `:previous_max_date` and `:run_id`, bound as parameters. Written by the project author,
   * like any other SQL of the project.
   */
  where?: string;
}

/**
 * Which time range a windowed check (recordDiscrepancy, gaps) covers:
 * `'run'` the checking run's window (Default); `'all'` no time limit; `{ project }` the last successful run of
 * that project; `{ from, to }` explicit (to exclusive); `{ lastDays }` the N days before the run's window end.
 */
export type WindowSpec =
  'run' | 'all' | { project: string } | { from: string | Date; to: string | Date } | { lastDays: number };

/** A count compared by recordDiscrepancy. */
export type CountSource =
  /** `count` (Default: `count(*)`) of a warehouse table, limited to the window through `timeColumn`. */
  | { table: string; timeColumn?: string; count?: string; where?: string }
  /** A query on the warehouse returning one number; `:start_load_date` / `:end_load_date` are bound. */
  | { sql: string }
  /** Any count, e.g. from a source system: receives the resolved window (null = all). */
  | { fn: (window: { start: Date; end: Date } | null) => Promise<number> | number };

export interface NotNullCheck extends CheckCommon {
  kind: 'not_null';
  table: string;
  columns: string[];
}
export interface UniqueCheck extends CheckCommon {
  kind: 'unique';
  table: string;
  /** One column or a compound key. Rows with a null in the key are not compared (that is notNull's job). */
  columns: string[];
}
export interface AcceptedValuesCheck extends CheckCommon {
  kind: 'accepted_values';
  table: string;
  column: string;
  /** Compared as text; nulls are not checked. */
  values: (string | number | boolean)[];
}
export interface RangeCheck extends CheckCommon {
  kind: 'range';
  table: string;
  column: string;
  /** Inclusive bounds; at least one. Compared in the column's type (numbers, dates, timestamps). */
  min?: number | string;
  max?: number | string;
}
export interface RelationshipsCheck extends CheckCommon {
  kind: 'relationships';
  /** The child table and its key column. */
  table: string;
  column: string;
  /** Every non-null child value must exist here. */
  parent: { table: string; column: string };
}
export interface RowCountCheck extends CheckCommon {
  kind: 'row_count';
  table: string;
  min?: number;
  max?: number;
}
export interface RecordDiscrepancyCheck extends Omit<CheckCommon, 'where'> {
  kind: 'record_discrepancy';
  source: CountSource;
  target: CountSource;
  /** Allowed absolute difference. (Default: 0) */
  tolerance?: number;
  /** Allowed difference in percent of the source count; the larger of both tolerances applies. */
  tolerancePercent?: number;
  /** (Default: 'run') */
  window?: WindowSpec;
}
export interface FreshnessCheck extends CheckCommon {
  kind: 'freshness';
  table: string;
  /** A date or timestamp column; its maximum is compared with now. */
  column: string;
  /** `'30m'`, `'36h'`, `'2d'` or a number of hours; at least one of both. */
  warnAfter?: string | number;
  errorAfter?: string | number;
}
export interface StaleProjectsCheck extends Omit<CheckCommon, 'where'> {
  kind: 'stale_projects';
  /** Only these projects. (Default: every project with a `schedule`) */
  projects?: string[];
  /** Never these. The checking project itself is always left out. */
  exclude?: string[];
  /** Time a scheduled run is given to finish before it counts as missed. (Default: 60) */
  graceMinutes?: number;
}
export interface SchemaDriftCheck extends Omit<CheckCommon, 'where'> {
  kind: 'schema_drift';
  /** Relative to the project folder. (Default: 'metadata/schema.yaml') */
  file?: string;
  /** Only these tables of the file. (Default: all) */
  tables?: string[];
}
export interface GapsCheck extends CheckCommon {
  kind: 'gaps';
  table: string;
  /** A date or timestamp column; days are UTC days. */
  column: string;
  /** (Default: 'run') */
  window?: WindowSpec;
}
export interface VolumeAnomalyCheck extends Omit<CheckCommon, 'where'> {
  kind: 'volume_anomaly';
  /**
   * With `table` and `column`: rows on the window's last day vs the `lookback` days before it.
   * Without: the checked run's records vs the last `lookback` successful runs of `project` in etl_runs.
   */
  table?: string;
  column?: string;
  /** (Default: the checking project) */
  project?: string;
  /** (Default: 10) */
  lookback?: number;
  /** Allowed distance from the mean in standard deviations. (Default: 3) */
  k?: number;
  /** Fewer history points than this: the check passes with a note. (Default: 3) */
  minHistory?: number;
}
export interface ExpressionCheck extends CheckCommon {
  kind: 'expression';
  name: string;
  /** A query returning the failing rows; `:start_load_date`, `:end_load_date`, … are bound. */
  sql: string;
  /** Shown in results. */
  table?: string;
}

export type Check =
  | NotNullCheck
  | UniqueCheck
  | AcceptedValuesCheck
  | RangeCheck
  | RelationshipsCheck
  | RowCountCheck
  | RecordDiscrepancyCheck
  | FreshnessCheck
  | StaleProjectsCheck
  | SchemaDriftCheck
  | GapsCheck
  | VolumeAnomalyCheck
  | ExpressionCheck;

export type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;

type QueryFn = <Row = Record<string, unknown>>(text: string, values?: readonly unknown[]) => Promise<Row[]>;

/** What a check is evaluated against. */
export interface CheckScope {
  query: QueryFn;
  project: string;
  projectDir: string;
  environment: string;
  /** The run being checked; null for `dwh dq` without a run. */
  runId: number | null;
  window: LoadWindow;
  now: Date;
  /** `:start_load_date`, `:end_load_date`, `:previous_max_date`, `:run_id` for `where` and `sql`. */
  params: Record<string, unknown>;
}

/** What a handler measured; the runner turns it into a result. */
export interface Evaluation {
  /** `fail` becomes status `warn` for a warn check; `warn` is always a warning (freshness warnAfter). */
  verdict: 'pass' | 'warn' | 'fail';
  observed: number | null;
  threshold: string | null;
  failingRows: number | null;
  sample: Record<string, unknown>[] | null;
  message: string;
}

/** A check that cannot be evaluated (missing table, no run to compare with): status `error`. */
export class CheckCannotRunError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECK', message, { ...options, exitCode: EXIT.runFailed, retryable: undefined });
  }
}
