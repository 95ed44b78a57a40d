import type { Warehouse } from '../db/connection.js';
import type { AttemptReport } from '../core/reused-task.js';
import type { AttemptStatus } from '../core/types.js';

/** dwh.etl_task_runs: one row per attempt of a task in a run (see core/types.ts, "attempt"). */

/** One row of dwh.etl_task_runs as read back. */
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
  /** The successful attempt's `{ value }` (JSON, masked), else null (see core/task-values.ts). */
  value: unknown;
  /**
   * A successful attempt's report (core/reused-task.ts `AttemptReport`); `{ skipped: { nothingToDo } }` for an
   * attempt that skipped its task itself (TaskSkipped); else null.
   */
  reported: unknown;
  /** The row of a task a resumed run reused: the run whose attempt it is (its records count there); else null. */
  reused_from: number | null;
  /** How many times a sensor checked its condition in this attempt; null for other tasks. */
  pokes: number | null;
}

/** The task, run and number that identify one attempt. */
export interface AttemptKey {
  runId: number;
  task: string;
  attempt: number;
}

/** Records an attempt: `running` when it starts, or already ended (`disabled`, `upstream_failed`). */
export async function insertAttempt(
  warehouse: Warehouse,
  attempt: AttemptKey & { status: AttemptStatus; errorMessage?: string | null },
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
  attempt: AttemptKey & {
    status: AttemptStatus;
    records: number;
    /** (Default: 0) */
    rejected?: number;
    /** The `{ value }` of a successful attempt, JSON-checked and masked. (Default: none, null) */
    value?: unknown;
    /** What a successful attempt reported, for a resumed run. (Default: none, null) */
    report?: AttemptReport;
    /** A sensor's pokes in this attempt. (Default: null, not a sensor) */
    pokes?: number | null;
    /**
     * The attempt skipped its task itself (TaskSkipped): stored as `reported` `{ "skipped": { nothingToDo } }`,
     * which tells a resumed run that the skip was the task's own, to be decided again. (Default: none)
     */
    selfSkip?: { nothingToDo: boolean };
    errorMessage: string | null;
  },
): Promise<void> {
  await warehouse.query(
    `update dwh.etl_task_runs set status = $4, records = $5, rejected = $6, error_message = $7, ended_at = now(),
       value = $8::jsonb, reported = $9::jsonb, pokes = $10
     where run_id = $1 and task_name = $2 and attempt = $3`,
    [
      attempt.runId,
      attempt.task,
      attempt.attempt,
      attempt.status,
      attempt.records,
      attempt.rejected ?? 0,
      attempt.errorMessage,
      // as text: the driver would send an array as a PostgreSQL array, not JSON
      'value' in attempt ? JSON.stringify(attempt.value) : null,
      attempt.report
        ? JSON.stringify(attempt.report)
        : attempt.selfSkip
          ? JSON.stringify({ skipped: attempt.selfSkip })
          : null,
      attempt.pokes ?? null,
    ],
  );
}

/** A task a resumed run does not run again (see core/reused-task.ts). */
export interface ReusedAttempt {
  task: string;
  /** The run whose successful attempt is reused. */
  fromRun: number;
  /** That attempt's stored value and report, copied so the row says what the tasks after it read. */
  value: unknown;
  report: AttemptReport;
}

/**
 * The rows of the tasks a resumed run reuses: one `success` row each (attempt 1, no records: they count in
 * `reused_from`), so the run shows every task of the factory and how it ended.
 */
export async function insertReusedAttempts(
  warehouse: Warehouse,
  runId: number,
  reused: readonly ReusedAttempt[],
): Promise<void> {
  if (reused.length === 0) return;
  const rows = reused.map((r) => ({
    task: r.task,
    from_run: r.fromRun,
    ...(r.report.hasValue ? { value: r.value } : {}),
    reported: r.report,
  }));
  await warehouse.query(
    `insert into dwh.etl_task_runs (run_id, task_name, attempt, status, ended_at, reused_from, value, reported)
     select $1, r.task, 1, 'success', now(), r.from_run, r.value, r.reported
     from jsonb_to_recordset($2::jsonb) as r(task text, from_run bigint, value jsonb, reported jsonb)`,
    [runId, JSON.stringify(rows)],
  );
}

/** The attempts of these runs, each run's in the order they started. */
export async function listAttempts(
  warehouse: Pick<Warehouse, 'query'>,
  runIds: number[],
): Promise<AttemptRow[]> {
  if (runIds.length === 0) return [];
  return warehouse.query<AttemptRow>(
    `select * from dwh.etl_task_runs where run_id = any($1::bigint[]) order by run_id, started_at, task_name, attempt`,
    [runIds],
  );
}

/** The records of a run's successful attempts: what a run that is still going has loaded so far. */
export async function successfulAttemptRecords(
  warehouse: Pick<Warehouse, 'query'>,
  runId: number,
): Promise<number> {
  const [row] = await warehouse.query<{ n: number }>(
    `select coalesce(sum(records), 0)::bigint as n from dwh.etl_task_runs where run_id = $1 and status = 'success'`,
    [runId],
  );
  return Number(row?.n ?? 0);
}

/** The attempts still `running` of runs that crashed become `failed`, saying why. */
export async function failAttemptsOfCrashedRuns(warehouse: Warehouse, runIds: number[]): Promise<void> {
  await warehouse.query(
    `update dwh.etl_task_runs set status = 'failed', ended_at = now(),
       error_message = 'the run crashed while this attempt was running'
     where run_id = any($1::bigint[]) and status = 'running'`,
    [runIds],
  );
}

/**
 * The statement that ends an attempt whose process is about to be stopped by its watchdog (see
 * blockedRunStatements in run-store.ts): only while it is still `running`.
 */
export function failBlockedAttemptSql(
  attempt: AttemptKey,
  message: string,
): { text: string; values: unknown[] } {
  return {
    text: `update dwh.etl_task_runs set status = 'failed', ended_at = now(), error_message = $4
             where run_id = $1 and task_name = $2 and attempt = $3 and status = 'running'`,
    values: [attempt.runId, attempt.task, attempt.attempt, message],
  };
}

/**
 * The statement that ends the other attempts running beside a blocked one (parallel tasks): the watchdog stops
 * the process under them, so each is `failed`, naming the task that blocked it.
 */
export function failSiblingAttemptsSql(
  attempt: AttemptKey,
  message: string,
): { text: string; values: unknown[] } {
  return {
    text: `update dwh.etl_task_runs set status = 'failed', ended_at = now(), error_message = $4
             where run_id = $1 and status = 'running' and not (task_name = $2 and attempt = $3)`,
    values: [attempt.runId, attempt.task, attempt.attempt, message],
  };
}
