import os from 'node:os';
import type { Warehouse } from '../db/connection.js';
import type { AttemptStatus, LoadType, LoadWindow, RunStatus } from '../core/types.js';
import { heartbeatInterval } from './run-liveness.js';
import type { RunKind, RunScope } from './run-kind.js';

/** One row of dwh.etl_runs as read back. */
export interface RunRow {
  run_id: number;
  project_name: string;
  environment: string;
  script_version: string;
  load_type: LoadType;
  start_load_date: Date;
  end_load_date: Date;
  previous_max_date: Date | null;
  data_min_date: Date | null;
  data_max_date: Date | null;
  start_script_execution_time: Date;
  end_script_execution_time: Date | null;
  status: RunStatus;
  number_of_records: number;
  number_of_rejected_records: number;
  target_database: string | null;
  target_table: string | null;
  error_message: string | null;
  host: string;
  pid: number;
  heartbeat_at: Date;
  /** How often the run's process writes heartbeat_at (null for runs recorded before it was stored). */
  heartbeat_ms: number | null;
  git_sha: string | null;
  parameters: Record<string, unknown>;
  email_status: string | null;
  /** `full` or `partial` (see run-kind.ts). */
  run_kind: RunKind;
  /** The `--tasks` selection; null when the run was not limited. */
  selected_tasks: string[] | null;
}

export interface AttemptRow {
  run_id: number;
  task_name: string;
  attempt: number;
  status: AttemptStatus;
  started_at: Date;
  ended_at: Date | null;
  error_message: string | null;
  records: number;
  rejected: number;
}

export interface NewRun {
  project: string;
  environment: string;
  version: string;
  window: LoadWindow;
  targetDatabase: string;
  targetTable: string;
  gitSha: string | null;
  parameters: Record<string, unknown>;
  /** The interval of the run's heartbeat. (Default: DWH_HEARTBEAT_MS or 10 000) */
  heartbeatMs?: number;
  /** (Default: a full run, not limited by `--tasks`) */
  scope?: RunScope;
  /** The backfill the run is a window of: etl_runs.backfill_id. (Default: none) */
  backfillId?: number;
}

/** Whether the audit schema exists yet (a read-only command on a warehouse no run has touched finds none). */
export async function auditExists(warehouse: Warehouse): Promise<boolean> {
  const [row] = await warehouse.query<{ t: string | null }>(`select to_regclass('dwh.etl_runs')::text as t`);
  return Boolean(row?.t);
}

export async function insertRun(warehouse: Warehouse, run: NewRun): Promise<number> {
  const [row] = await warehouse.query<{ run_id: number }>(
    `insert into dwh.etl_runs (project_name, environment, script_version, load_type, start_load_date,
       end_load_date, previous_max_date, status, target_database, target_table, host, pid, git_sha, parameters,
       heartbeat_ms, run_kind, selected_tasks, backfill_id)
     values ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     returning run_id`,
    [
      run.project,
      run.environment,
      run.version,
      run.window.loadType,
      run.window.start,
      run.window.end,
      run.window.previousMaxDate,
      run.targetDatabase,
      run.targetTable,
      os.hostname(),
      process.pid,
      run.gitSha,
      JSON.stringify(run.parameters),
      run.heartbeatMs ?? heartbeatInterval(),
      run.scope?.kind ?? 'full',
      run.scope?.selectedTasks ?? null,
      run.backfillId ?? null,
    ],
  );
  return Number(row!.run_id);
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  records: number;
  /** (Default: 0) */
  rejected?: number;
  dataMinDate: Date | null;
  dataMaxDate: Date | null;
  errorMessage: string | null;
  /** What the run turned out to execute. (Default: the kind it was inserted with) */
  kind?: RunKind;
}

/**
 * Records the outcome of a run that is still `running`. A row another process already ended (crash recovery
 * marked it `crashed`) is left as it is: the returned status is the one the row has, not necessarily ours.
 */
export async function finishRun(
  warehouse: Warehouse,
  runId: number,
  outcome: RunOutcome,
): Promise<{ updated: boolean; status: RunStatus | null }> {
  const updated = await warehouse.query<{ run_id: number }>(
    `update dwh.etl_runs set status = $2, number_of_records = $3, data_min_date = $4, data_max_date = $5,
       error_message = $6, number_of_rejected_records = $7, run_kind = coalesce($8, run_kind),
       end_script_execution_time = now(), heartbeat_at = now()
     where run_id = $1 and status = 'running'
     returning run_id`,
    [
      runId,
      outcome.status,
      outcome.records,
      outcome.dataMinDate,
      outcome.dataMaxDate,
      outcome.errorMessage,
      outcome.rejected ?? 0,
      outcome.kind ?? null,
    ],
  );
  if (updated.length) return { updated: true, status: outcome.status };
  const [row] = await warehouse.query<{ status: RunStatus }>(
    'select status from dwh.etl_runs where run_id = $1',
    [runId],
  );
  return { updated: false, status: row?.status ?? null };
}

/** Proof of life of a running run; false when the row is no longer `running` (another process ended it). */
export async function heartbeat(warehouse: Warehouse, runId: number): Promise<boolean> {
  const rows = await warehouse.query<{ run_id: number }>(
    `update dwh.etl_runs set heartbeat_at = now() where run_id = $1 and status = 'running' returning run_id`,
    [runId],
  );
  return rows.length > 0;
}

export async function setEmailStatus(
  warehouse: Warehouse,
  runId: number,
  emailStatus: string,
): Promise<void> {
  await warehouse.query(`update dwh.etl_runs set email_status = $2 where run_id = $1`, [runId, emailStatus]);
}

export async function insertAttempt(
  warehouse: Warehouse,
  attempt: {
    runId: number;
    task: string;
    attempt: number;
    status: AttemptStatus;
    errorMessage?: string | null;
  },
): Promise<void> {
  const finished = attempt.status !== 'running';
  await warehouse.query(
    `insert into dwh.etl_task_runs (run_id, task_name, attempt, status, error_message, ended_at)
     values ($1, $2, $3, $4, $5, case when $6::boolean then now() end)`,
    [attempt.runId, attempt.task, attempt.attempt, attempt.status, attempt.errorMessage ?? null, finished],
  );
}

export async function finishAttempt(
  warehouse: Warehouse,
  attempt: {
    runId: number;
    task: string;
    attempt: number;
    status: AttemptStatus;
    records: number;
    /** (Default: 0) */
    rejected?: number;
    errorMessage: string | null;
  },
): Promise<void> {
  await warehouse.query(
    `update dwh.etl_task_runs set status = $4, records = $5, rejected = $6, error_message = $7, ended_at = now()
     where run_id = $1 and task_name = $2 and attempt = $3`,
    [
      attempt.runId,
      attempt.task,
      attempt.attempt,
      attempt.status,
      attempt.records,
      attempt.rejected ?? 0,
      attempt.errorMessage,
    ],
  );
}

/**
 * The latest complete (`full`), successful run of a project: the base of the next incremental window. A
 * partial run (`--tasks`, skipped tasks) did not load everything, so it is never the base.
 */
export async function lastSuccessfulRun(warehouse: Warehouse, project: string): Promise<RunRow | null> {
  const [row] = await warehouse.query<RunRow>(
    `select * from dwh.etl_runs r where project_name = $1 and status = 'success'
       -- through jsonb: a dry run reads a schema it does not migrate, which may predate run_kind (then all full)
       and coalesce(to_jsonb(r) ->> 'run_kind', 'full') = 'full'
     order by end_load_date desc, run_id desc limit 1`,
    [project],
  );
  return row ?? null;
}

export interface RunFilter {
  project?: string;
  status?: RunStatus;
  since?: Date;
  limit: number;
}

export async function listRuns(warehouse: Warehouse, filter: RunFilter): Promise<RunRow[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (filter.project) conditions.push(`project_name = $${values.push(filter.project)}`);
  if (filter.status) conditions.push(`status = $${values.push(filter.status)}`);
  if (filter.since) conditions.push(`start_script_execution_time >= $${values.push(filter.since)}`);
  const where = conditions.length ? `where ${conditions.join(' and ')}` : '';
  return warehouse.query<RunRow>(
    `select * from dwh.etl_runs ${where} order by run_id desc limit $${values.push(filter.limit)}`,
    values,
  );
}

export async function listAttempts(warehouse: Warehouse, runIds: number[]): Promise<AttemptRow[]> {
  if (runIds.length === 0) return [];
  return warehouse.query<AttemptRow>(
    `select * from dwh.etl_task_runs where run_id = any($1::bigint[]) order by run_id, started_at, task_name, attempt`,
    [runIds],
  );
}

/**
 * The statements that end a run whose process is about to be stopped by its watchdog (the event loop is
 * blocked, so the run cannot write them itself): its open attempt and the run become `failed` with `message`.
 * Run through a connection of its own, only on rows still `running`.
 */
export function blockedRunStatements(
  attempt: { runId: number; task: string; attempt: number },
  message: string,
): { text: string; values: unknown[] }[] {
  return [
    {
      text: `update dwh.etl_task_runs set status = 'failed', ended_at = now(), error_message = $4
             where run_id = $1 and task_name = $2 and attempt = $3 and status = 'running'`,
      values: [attempt.runId, attempt.task, attempt.attempt, message],
    },
    {
      text: `update dwh.etl_runs set status = 'failed', error_message = $2, end_script_execution_time = now(),
               heartbeat_at = now()
             where run_id = $1 and status = 'running'`,
      values: [attempt.runId, `task '${attempt.task}': ${message}`],
    },
  ];
}
