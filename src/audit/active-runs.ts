import type { Warehouse } from '../db/connection.js';
import { auditExists } from './run-store.js';

export interface ActiveRun {
  runId: number;
  project: string;
  pid: number;
  host: string;
  startedAt: Date;
}

/**
 * Runs that are really going: marked `running` and their project's run lock (an advisory lock, see
 * run-lock.ts) held by a live session. A run left `running` by a crash holds no lock and is not listed.
 */
export async function listActiveRuns(warehouse: Warehouse): Promise<ActiveRun[]> {
  if (!(await auditExists(warehouse))) return [];
  // a bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits)
  const rows = await warehouse.query<{
    run_id: number;
    project_name: string;
    pid: number;
    host: string;
    started: Date;
  }>(
    `select r.run_id, r.project_name, r.pid, r.host, r.start_script_execution_time as started
       from dwh.etl_runs r
      where r.status = 'running'
        and exists (
          select 1 from pg_locks l
           where l.locktype = 'advisory' and l.granted and l.objsubid = 1
             and l.database = (select oid from pg_database where datname = current_database())
             and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('dwh.run:' || r.project_name, 0))
      order by r.run_id`,
  );
  return rows.map((row) => ({
    runId: Number(row.run_id),
    project: row.project_name,
    pid: row.pid,
    host: row.host,
    startedAt: row.started,
  }));
}

/** A run in progress as the dashboard shows it live. */
export interface RunningRun {
  runId: number;
  project: string;
  startedAt: Date;
  heartbeatAt: Date;
  /** The attempt going on now (null between two tasks). */
  currentTask: string | null;
  currentAttempt: number | null;
  taskStartedAt: Date | null;
  /** Attempts finished so far and the records they reported. */
  attemptsDone: number;
  recordsSoFar: number;
}

/** Every run marked `running`, newest first, with its current task and the records its finished tasks loaded. */
export async function listRunningRuns(warehouse: Warehouse): Promise<RunningRun[]> {
  if (!(await auditExists(warehouse))) return [];
  const rows = await warehouse.query<{
    run_id: number;
    project_name: string;
    started: Date;
    heartbeat_at: Date;
    task_name: string | null;
    attempt: number | null;
    task_started: Date | null;
    attempts_done: number;
    records_so_far: number;
  }>(
    `select r.run_id, r.project_name, r.start_script_execution_time as started, r.heartbeat_at,
            cur.task_name, cur.attempt, cur.started_at as task_started,
            coalesce(done.attempts, 0) as attempts_done, coalesce(done.records, 0) as records_so_far
       from dwh.etl_runs r
       left join lateral (
         select t.task_name, t.attempt, t.started_at from dwh.etl_task_runs t
          where t.run_id = r.run_id and t.status = 'running' order by t.started_at desc limit 1) cur on true
       left join lateral (
         select count(*)::int as attempts, sum(t.records)::bigint as records from dwh.etl_task_runs t
          where t.run_id = r.run_id and t.status <> 'running') done on true
      where r.status = 'running'
      order by r.run_id desc`,
  );
  return rows.map((row) => ({
    runId: Number(row.run_id),
    project: row.project_name,
    startedAt: row.started,
    heartbeatAt: row.heartbeat_at,
    currentTask: row.task_name,
    currentAttempt: row.attempt,
    taskStartedAt: row.task_started,
    attemptsDone: Number(row.attempts_done),
    recordsSoFar: Number(row.records_so_far),
  }));
}
