/**
 * Glossary (see shared DESIGN.md):
 * - project:  one ETL pipeline, a folder `projects/<group>/<name>/` with `parameters.ts` and `factory.ts`.
 * - task:     one step of a project: a name, a function `(ctx, ...boundArgs)` and options.
 * - factory:  the project's ordered task list.
 * - group:    a named part of the factory; its tasks are named `<group>.<task>`.
 * - run:      one execution of a project for one load window; one row in `dwh.etl_runs`.
 * - attempt:  one try of one task in one run; one row in `dwh.etl_task_runs`, numbered from 1.
 * - window:   the half-open interval `[start, end)` a run covers (UTC).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { LoadSource } from './load-source.js';
import type { ProjectParameters } from './define-project.js';
import type { OutputWriter } from './output.js';

export type LoadType = 'I' | 'F';

/** The half-open interval `[start, end)` one run covers. All instants are UTC. */
export interface LoadWindow {
  loadType: LoadType;
  start: Date;
  end: Date;
  /** `data_max_date` of the previous successful run (null when there is none or for full loads). */
  previousMaxDate: Date | null;
}

/**
 * What a task may report about the data it moved. Dates widen the run's data min/max. `records` add up to the
 * task's count; the run's count is the records loaded into the project's target (see TaskOptions.target).
 */
export interface TaskResult {
  records?: number;
  /** The table `records` were loaded into (`table` or `schema.table`); names the target for the run count. */
  table?: string;
  /** Rows set aside as rejects (bad rows written to a rejects file instead of loaded). */
  rejected?: number;
  dataMinDate?: Date | string | null;
  dataMaxDate?: Date | string | null;
  /** Lines for the reader of the run: shown under the task in the run summary and the e-mail. */
  warnings?: string[];
  /**
   * Short-circuit: every task downstream of this one (transitively) is `skipped`, whatever its trigger rule.
   * The run is then partial, unless `nothingToDo` says the skipped work was not needed. (Default: false)
   */
  skipDownstream?: boolean;
  /**
   * With `skipDownstream`: there was nothing to load for this window (an empty source), so the skipped tasks
   * lose no data and the run counts as complete for the watermark. (Default: false)
   */
  nothingToDo?: boolean;
  /**
   * A result for the tasks downstream (`ctx.upstream('this_task')`): JSON, at most 64 KiB as JSON text, stored
   * masked in etl_task_runs.value (see core/task-values.ts). Only the succeeding attempt's value counts.
   */
  value?: unknown;
  /**
   * How many times a sensor checked its condition: sensors report 1 per poke (see sensors/sensor-loop.ts);
   * stored with the attempt in etl_task_runs.pokes and shown in the run summary. (Default: none, null)
   */
  pokes?: number;
}

/** Run statuses as stored in `etl_runs.status`. */
export type RunStatus = 'running' | 'success' | 'failed' | 'crashed';

/** Attempt statuses as stored in `etl_task_runs.status`. */
export type AttemptStatus =
  'running' | 'success' | 'failed' | 'up_for_retry' | 'upstream_failed' | 'disabled' | 'skipped';

/**
 * When a task runs, given the final states of its upstream tasks (Airflow's names and meaning; see
 * core/trigger-rules.ts and the README's "Task semantics").
 */
export type TriggerRule =
  | 'all_success'
  | 'all_done'
  | 'all_failed'
  | 'one_failed'
  | 'one_success'
  | 'none_failed'
  | 'none_failed_min_one_success'
  | 'always';

/** Parameterised raw SQL on the target: `$1, $2…` placeholders, values as parameters. */
export interface SqlRunner {
  <Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** Runs a `.sql` file of the project with `:name` parameters bound from `params`. */
  file<Row = Record<string, unknown>>(relativePath: string, params?: Record<string, unknown>): Promise<Row[]>;
}

/**
 * What a task function receives as its first argument. `Params` types `ctx.params`:
 * `(ctx: TaskContext<ParamsOf<typeof parameters>>) => …` (see core/run-params.ts).
 */
export interface TaskContext<Params extends object = Record<string, unknown>> {
  /** The project's resolved parameters. */
  project: ProjectParameters;
  /** The run parameters: `--param name=value` (or `runProject({ params })`) parsed by parameters.ts `params`. */
  params: Readonly<Params>;
  /** The project's folder (absolute). */
  projectDir: string;
  environment: string;
  runId: number;
  task: { name: string; attempt: number };
  window: LoadWindow;
  /** knex on the target database. */
  db: Knex;
  sql: SqlRunner;
  log: Logger;
  /** Aborted when the attempt times out or the run is interrupted. */
  signal: AbortSignal;
  report(result: TaskResult): void;
  output: OutputWriter;
  /**
   * The value a task this one depends on (directly or through others) returned as `{ value }`; undefined when
   * it returned none. Throws for any other task, a group, or an upstream task that did not succeed.
   */
  upstream<Value = unknown>(task: string): Value;
  /** A source from the `connectors:` section of config/dwh.yaml, opened on first use, closed when the run ends. */
  connector(name: string): Promise<Connector>;
}

export type TaskFunction<Args extends unknown[] = unknown[]> = (
  ctx: TaskContext,
  ...args: Args
) => Promise<TaskResult | void> | TaskResult | void;

/** Retry policy of a task: up to `retries + 1` attempts. */
export interface RetryPolicy {
  /** Extra attempts after the first failure. (Default: the project's `retries`, else 0) */
  retries: number;
  /** Delay before the first retry. (Default: 5000) */
  retryDelayMs: number;
  /** Each further delay is multiplied by this. (Default: 2) */
  backoffRate: number;
  /** Upper bound of any delay. (Default: 300000) */
  maxRetryDelayMs: number;
}

export interface TaskOptions extends Partial<RetryPolicy> {
  description?: string;
  /** Fails the attempt and aborts `ctx.signal` after this many ms. (Default: no timeout) */
  timeoutMs?: number;
  /** A disabled task is recorded as `disabled` and counts as satisfied. (Default: true) */
  enabled?: boolean;
  /**
   * Names of the upstream tasks (or groups: all their tasks). Inside a group a name is looked up in the
   * group first, then in each enclosing group, then at the top level. (Default: the previous task or group
   * in the factory)
   */
  dependsOn?: string[];
  /** When the task runs, given its upstream tasks' states. (Default: 'all_success') */
  triggerRule?: TriggerRule;
  /**
   * Decides whether a failed attempt is retried (while retries are left). (Default: `isRetryable` — transient
   * errors such as lost connections, deadlocks, timeouts and HTTP 5xx are retried; configuration errors, data
   * errors and failed checks are not)
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
  /**
   * This task loads the project's target (parameters.target): the run's number_of_records is the sum of the
   * records of the tasks marked so. (Default: false; with no task marked, the records reported with a `table`
   * that is the target count, else every task's records)
   */
  target?: boolean;
}

export interface TaskDefinition {
  kind: 'task';
  /** Inside a group, the name within the group; the planned task carries the full name (`dims.customer`). */
  name: string;
  fn: TaskFunction<[]>;
  options: TaskOptions;
  /** Set by `branch(...)`: the function returns the names of the downstream tasks to follow. */
  branch?: BranchSpec;
}

/** What `branch(name, fn, options)` declares besides the task options (see core/branching.ts). */
export interface BranchSpec {
  /**
   * The names the function may return; each must be a direct downstream task (or a group holding some),
   * checked when the project loads. (Default: any direct downstream task, checked when the branch returns)
   */
  choices?: string[];
  /**
   * The paths not followed have nothing to do for this window: their skipped tasks lose no data and the run
   * counts as complete for the watermark. (Default: false, the run is partial)
   */
  nothingToDo?: boolean;
}

/** `group(name, entries, options)`: its tasks are named `<group>.<task>` (see core/task-groups.ts). */
export interface TaskGroup {
  kind: 'group';
  name: string;
  entries: FactoryEntry[];
  options: GroupOptions;
}

export interface GroupOptions {
  description?: string;
  /**
   * What the group's first tasks (those that depend on no other task of the group) depend on. (Default: the
   * previous task or group in the factory)
   */
  dependsOn?: string[];
}

export type FactoryEntry = TaskDefinition | TaskGroup;

export interface Factory {
  kind: 'factory';
  /** Tasks and groups, as declared. */
  tasks: FactoryEntry[];
}

/**
 * A connector is a named source from `config/dwh.yaml` (`connectors:` of the environment). It is opened once
 * per run on first use and closed when the run ends.
 */
export type ConnectorKind = 'postgres' | 'mysql' | 'file' | 'http';

/** What an extract may use of the run. */
export interface ExtractContext {
  window: LoadWindow;
  /** The run the extract belongs to: bound as `:run_id` in database queries when given. */
  runId?: number;
  /** Relative file paths of a `file` connector without `dir` resolve here. */
  projectDir: string;
  signal: AbortSignal;
  log: Logger;
}

/**
 * What to read. A string is the query (postgres, mysql) or the path/glob (file, http); objects carry the
 * kind's options (see each connector).
 */
export type ExtractRequest = string | Record<string, unknown>;

export interface ExtractOptions {
  /**
   * `bytes` asks for the pass-through form (CSV files as they are, COPY output of a PostgreSQL source) when the
   * connector has one; `rows` always gets row batches. (Default: rows)
   */
  prefer?: 'rows' | 'bytes';
  /**
   * How a CSV field that is empty and unquoted is read as rows: `null` (COPY's rule, which the pass-through
   * path follows) or `empty` (an empty string). A quoted `""` is an empty string either way. (Default: null)
   */
  emptyField?: 'null' | 'empty';
}

export interface Connector {
  readonly name: string;
  readonly kind: ConnectorKind;
  open(): Promise<void>;
  /** Streams the data: row batches, or bytes for the pass-through path. Window dates are parameters. */
  extract(request: ExtractRequest, ctx: ExtractContext, options?: ExtractOptions): Promise<LoadSource>;
  close(): Promise<void>;
}
