import type { RunKind } from '../audit/run-kind.js';
import {
  listLastSuccessPerProject,
  listRecentRunsPerProject,
  readRun,
  type RunRow,
} from '../audit/run-store.js';
import { listAttempts, type AttemptRow } from '../audit/task-run-store.js';
import type { RunStatus } from '../core/types.js';
import type { Warehouse } from '../db/connection.js';
import { isHeartbeatStale } from '../audit/run-liveness.js';

/**
 * The run audit (`dwh.etl_runs`, `dwh.etl_task_runs`, read through their stores) as the monitor shows it.
 * Nothing here migrates: a database that no run has touched yet simply has no history (`auditExists` is false).
 */

/**
 * How the monitor shows a run's status: `lost` is a run still recorded as `running` whose heartbeat is stale
 * (its process is gone; the next start of the project will mark it crashed).
 */
type ShownRunStatus = RunStatus | 'lost';

/** A run as the monitor shows it: the audit row plus its duration (null while running). */
export interface RunSummary {
  runId: number;
  project: string;
  environment: string;
  version: string;
  status: ShownRunStatus;
  loadType: string;
  /** `partial` runs (`--tasks`, skipped tasks) are never the base of the next incremental window. */
  kind: RunKind;
  /** The `--tasks` selection; null when the run was not limited. */
  selectedTasks: string[] | null;
  windowStart: Date;
  windowEnd: Date;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  records: number;
  errorMessage: string | null;
  host: string;
  pid: number;
  heartbeatAt: Date;
  heartbeatMs: number | null;
  gitSha: string | null;
  targetTable: string | null;
  /** The failed or crashed run this one resumed (`dwh run --resume`); null otherwise. */
  resumedFrom: number | null;
}

export interface AttemptSummary {
  runId: number;
  task: string;
  attempt: number;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  records: number;
  /** A sensor's pokes in this attempt; null for other tasks. */
  pokes: number | null;
  errorMessage: string | null;
  /** The successful attempt's `{ value }` (masked JSON), else null. */
  value: unknown;
  /** A task a resumed run reused: the run whose attempt it is; null for attempts that ran. */
  reusedFrom: number | null;
}

export { auditExists } from '../audit/run-store.js';

/** `now` decides whether a running run's heartbeat is stale. (Default: the current time) */
function toRunSummary(row: RunRow, now = new Date()): RunSummary {
  const endedAt = row.end_script_execution_time;
  const heartbeatMs =
    row.heartbeat_ms === null || row.heartbeat_ms === undefined ? null : Number(row.heartbeat_ms);
  const lost =
    row.status === 'running' && isHeartbeatStale({ heartbeatAt: row.heartbeat_at, heartbeatMs }, now);
  return {
    runId: Number(row.run_id),
    project: row.project_name,
    environment: row.environment,
    version: row.script_version,
    status: lost ? 'lost' : row.status,
    loadType: row.load_type,
    // an audit schema the dashboard reads without migrating may predate run kinds: all runs were full then
    kind: row.run_kind ?? 'full',
    selectedTasks: row.selected_tasks ?? null,
    windowStart: row.start_load_date,
    windowEnd: row.end_load_date,
    startedAt: row.start_script_execution_time,
    endedAt,
    durationMs: endedAt ? endedAt.getTime() - row.start_script_execution_time.getTime() : null,
    records: Number(row.number_of_records),
    errorMessage: row.error_message,
    host: row.host,
    pid: row.pid,
    heartbeatAt: row.heartbeat_at,
    heartbeatMs,
    gitSha: row.git_sha,
    targetTable: row.target_table,
    // an audit schema read without migrating may predate resumed runs
    resumedFrom:
      row.resumed_from === null || row.resumed_from === undefined ? null : Number(row.resumed_from),
  };
}

function toAttemptSummary(row: AttemptRow): AttemptSummary {
  return {
    runId: Number(row.run_id),
    task: row.task_name,
    attempt: row.attempt,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.ended_at ? row.ended_at.getTime() - row.started_at.getTime() : null,
    records: Number(row.records),
    // a schema the dashboard reads without migrating may predate the column
    pokes: row.pokes === null || row.pokes === undefined ? null : Number(row.pokes),
    errorMessage: row.error_message,
    value: row.value ?? null,
    reusedFrom: row.reused_from === null || row.reused_from === undefined ? null : Number(row.reused_from),
  };
}

/** The `perProject` most recent runs of every project, newest first within each project. */
export async function recentRunsByProject(
  warehouse: Warehouse,
  perProject: number,
  now = new Date(),
): Promise<RunSummary[]> {
  const rows = await listRecentRunsPerProject(warehouse, perProject);
  return rows.map((row) => toRunSummary(row, now));
}

export async function findRun(warehouse: Warehouse, runId: number): Promise<RunSummary | null> {
  const row = await readRun(warehouse, runId);
  return row ? toRunSummary(row) : null;
}

export async function runAttempts(warehouse: Warehouse, runId: number): Promise<AttemptSummary[]> {
  const rows = await listAttempts(warehouse, [runId]);
  return rows.map(toAttemptSummary);
}

/** Per project: the latest successful run (for lateness) — one row per project that ever succeeded. */
export async function lastSuccesses(warehouse: Warehouse): Promise<Map<string, RunSummary>> {
  const rows = await listLastSuccessPerProject(warehouse);
  return new Map(rows.map((row) => [row.project_name, toRunSummary(row)]));
}
