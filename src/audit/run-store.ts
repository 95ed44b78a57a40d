import os from 'node:os';
import type { Warehouse } from '../db/connection.js';
import type { LoadType, LoadWindow, RunStatus } from '../core/types.js';
import { DEFAULT_HEARTBEAT_MS, MISSED_HEARTBEATS, heartbeatInterval } from './run-liveness.js';
import type { RunKind, RunScope } from './run-kind.js';
import { failBlockedAttemptSql, failSiblingAttemptsSql, type AttemptKey } from './task-run-store.js';

/** dwh.etl_runs: one row per run (see core/types.ts, "run"). Attempts are in task-run-store.ts. */

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
  /** The backfill the run is a window of; null for an ordinary run. */
  backfill_id: number | null;
  /** The failed or crashed run this run resumed (`dwh run --resume`, see resume-chain.ts); null otherwise. */
  resumed_from: number | null;
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
  /** The backfill the run is a window of: etl_runs.backfill_id. (Default: none, an ordinary run) */
  backfillId?: number;
  /** The run this one resumes: etl_runs.resumed_from. (Default: none) */
  resumedFrom?: number;
}

/** Whether the audit schema exists yet (a read-only command on a warehouse no run has touched finds none). */
export async function auditExists(warehouse: Pick<Warehouse, 'query'>): Promise<boolean> {
  const [row] = await warehouse.query<{ t: string | null }>(`select to_regclass('dwh.etl_runs')::text as t`);
  return Boolean(row?.t);
}

export async function insertRun(warehouse: Warehouse, run: NewRun): Promise<number> {
  const [row] = await warehouse.query<{ run_id: number }>(
    `insert into dwh.etl_runs (project_name, environment, script_version, load_type, start_load_date,
       end_load_date, previous_max_date, status, target_database, target_table, host, pid, git_sha, parameters,
       heartbeat_ms, run_kind, selected_tasks, backfill_id, resumed_from)
     values ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
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
      run.resumedFrom ?? null,
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

export async function listRuns(warehouse: Pick<Warehouse, 'query'>, filter: RunFilter): Promise<RunRow[]> {
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

/** A run marked `running`, as crash recovery and a refused run describe it. */
export type RunningRunRow = Pick<
  RunRow,
  'run_id' | 'pid' | 'host' | 'start_script_execution_time' | 'heartbeat_at' | 'heartbeat_ms'
>;

/** The project's runs marked `running`, oldest first. */
export async function listRunningRunsOf(warehouse: Warehouse, project: string): Promise<RunningRunRow[]> {
  return warehouse.query<RunningRunRow>(
    `select run_id, pid, host, start_script_execution_time, heartbeat_at, heartbeat_ms from dwh.etl_runs
     where project_name = $1 and status = 'running' order by run_id`,
    [project],
  );
}

/**
 * Marks the project's `running` runs `crashed`, saying why: all of them (`all`), or those whose heartbeat is
 * stale. Returns their ids; their open attempts are task-run-store's `failAttemptsOfCrashedRuns`.
 */
export async function markRunsCrashed(
  warehouse: Warehouse,
  project: string,
  all: boolean,
): Promise<number[]> {
  const rows = await warehouse.query<{ run_id: number }>(
    `update dwh.etl_runs set status = 'crashed', end_script_execution_time = now(),
       error_message = 'crashed: process ' || pid || ' on ' || host || ' stopped without finishing the run '
         || '(its run lock was free; last heartbeat ' || to_char(heartbeat_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
     where project_name = $1 and status = 'running'
       and ($2::boolean or heartbeat_at < now() - coalesce(heartbeat_ms, $3) * $4 * interval '1 millisecond')
     returning run_id`,
    [project, all, DEFAULT_HEARTBEAT_MS, MISSED_HEARTBEATS],
  );
  return rows.map((row) => Number(row.run_id));
}

/**
 * The statements that end a run whose process is about to be stopped by its watchdog (the event loop is
 * blocked, so the run cannot write them itself): its open attempt, the attempts running beside it and the run
 * become `failed` with `message`.
 * Run through a connection of its own, only on rows still `running`.
 */
export function blockedRunStatements(
  attempt: AttemptKey,
  message: string,
): { text: string; values: unknown[] }[] {
  return [
    failBlockedAttemptSql(attempt, message),
    failSiblingAttemptsSql(
      attempt,
      `the process was stopped while this attempt was running: task '${attempt.task}' ${message}`,
    ),
    {
      text: `update dwh.etl_runs set status = 'failed', error_message = $2, end_script_execution_time = now(),
               heartbeat_at = now()
             where run_id = $1 and status = 'running'`,
      values: [attempt.runId, `task '${attempt.task}': ${message}`],
    },
  ];
}

/** One run by its id. */
export async function readRun(warehouse: Pick<Warehouse, 'query'>, runId: number): Promise<RunRow | null> {
  const [row] = await warehouse.query<RunRow>(`select * from dwh.etl_runs where run_id = $1`, [runId]);
  return row ?? null;
}

/** The `perProject` most recent runs of every project, newest first within each project. */
export async function listRecentRunsPerProject(
  warehouse: Pick<Warehouse, 'query'>,
  perProject: number,
): Promise<RunRow[]> {
  return warehouse.query<RunRow>(
    `select * from (
       select r.*, row_number() over (partition by project_name order by run_id desc) as recent_rank
       from dwh.etl_runs r) ranked
     where recent_rank <= $1
     order by project_name, run_id desc`,
    [perProject],
  );
}

/** Per project the latest successful run (of any kind), by start time: one row per project that succeeded. */
export async function listLastSuccessPerProject(warehouse: Pick<Warehouse, 'query'>): Promise<RunRow[]> {
  return warehouse.query<RunRow>(
    `select distinct on (project_name) * from dwh.etl_runs where status = 'success'
     order by project_name, start_script_execution_time desc, run_id desc`,
  );
}

/** Whether the project ever had a successful run. */
export async function hasSuccessfulRun(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
): Promise<boolean> {
  const rows = await warehouse.query(
    `select 1 from dwh.etl_runs where project_name = $1 and status = 'success' limit 1`,
    [project],
  );
  return rows.length > 0;
}

/** The window of the project's successful run (of any kind) that reached furthest. */
export async function latestSuccessfulWindow(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
): Promise<Pick<RunRow, 'start_load_date' | 'end_load_date'> | null> {
  const [row] = await warehouse.query<Pick<RunRow, 'start_load_date' | 'end_load_date'>>(
    `select start_load_date, end_load_date from dwh.etl_runs where project_name = $1 and status = 'success'
     order by end_load_date desc, run_id desc limit 1`,
    [project],
  );
  return row ?? null;
}

/** The records of the project's newest successful run (of any kind). */
export async function latestSuccessfulRecords(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
): Promise<Pick<RunRow, 'run_id' | 'number_of_records'> | null> {
  const [row] = await warehouse.query<Pick<RunRow, 'run_id' | 'number_of_records'>>(
    `${windowRecordsCte}
     select head as run_id, sum(number_of_records)::bigint as number_of_records from chain
     group by head order by head desc limit 1`,
    [project, null],
  );
  return row ?? null;
}

/**
 * The project's successful runs (all, or those before `$2`) with their records and the records of the runs
 * each resumed, transitively (resumed_from): a resumed run's number_of_records counts only its own attempts,
 * the reused tasks' records count in the run that loaded them; together they are the window's records.
 */
const windowRecordsCte = `with recursive chain as (
       select run_id as head, run_id, resumed_from, number_of_records from dwh.etl_runs
       where project_name = $1 and status = 'success' and ($2::bigint is null or run_id < $2)
       union all
       select c.head, p.run_id, p.resumed_from, p.number_of_records
       from chain c join dwh.etl_runs p on p.run_id = c.resumed_from
     )`;

/** The records of the runs `runId` resumed, transitively (none: 0); a resumed run's reused tasks loaded them. */
export async function resumedRunsRecords(
  warehouse: Pick<Warehouse, 'query'>,
  runId: number,
): Promise<number> {
  const [row] = await warehouse.query<{ n: number }>(
    `with recursive chain as (
       select resumed_from as run_id from dwh.etl_runs where run_id = $1 and resumed_from is not null
       union all
       select p.resumed_from from chain c join dwh.etl_runs p on p.run_id = c.run_id where p.resumed_from is not null
     )
     select coalesce(sum(r.number_of_records), 0)::bigint as n from chain join dwh.etl_runs r using (run_id)`,
    [runId],
  );
  return Number(row?.n ?? 0);
}

/** One earlier run's records, as the volume anomaly check compares them (a type: rows go into a sample). */
export type RunRecords = { run_id: number; records: number };

/** Records of the last `lookback` successful runs of a project before `beforeRunId` (newest first). */
function runHistorySql(
  project: string,
  beforeRunId: number,
  lookback: number,
): { text: string; values: unknown[] } {
  return {
    text: `${windowRecordsCte}
     select head as run_id, sum(number_of_records)::float8 as records from chain
     group by head order by head desc limit $3`,
    values: [project, beforeRunId, lookback],
  };
}

export async function listRunRecordsBefore(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
  beforeRunId: number,
  lookback: number,
): Promise<RunRecords[]> {
  const query = runHistorySql(project, beforeRunId, lookback);
  return warehouse.query<RunRecords>(query.text, query.values);
}

/** A scheduled project and when it was last due. */
export interface ProjectDue {
  name: string;
  schedule: string;
  /** The latest scheduled start that should have finished by now (its run may take a grace period). */
  due: Date;
}

/** A project whose last success (null: never) ended before it was due (a type: rows go into a sample). */
export type StaleProjectRow = { project: string; schedule: string; due: Date; last_success: Date | null };

/**
 * The projects whose last successful run ended before they were last due (or that never succeeded), with the
 * time of that run. Runs of every environment count: a warehouse is stale whoever was supposed to fill it.
 */
export function staleProjectsSql(projects: readonly ProjectDue[]): { text: string; values: unknown[] } {
  return {
    text:
      `select p.project, p.schedule, p.due, max(r.end_script_execution_time) as last_success ` +
      `from unnest($1::text[], $2::text[], $3::timestamptz[]) as p(project, schedule, due) ` +
      `left join dwh.etl_runs as r on r.project_name = p.project and r.status = 'success' ` +
      `group by p.project, p.schedule, p.due ` +
      `having max(r.end_script_execution_time) is null or max(r.end_script_execution_time) < p.due ` +
      `order by p.project`,
    values: [projects.map((p) => p.name), projects.map((p) => p.schedule), projects.map((p) => p.due)],
  };
}

export async function listStaleProjects(
  warehouse: Pick<Warehouse, 'query'>,
  projects: readonly ProjectDue[],
): Promise<StaleProjectRow[]> {
  if (projects.length === 0) return [];
  const query = staleProjectsSql(projects);
  return warehouse.query<StaleProjectRow>(query.text, query.values);
}
