import { DatabaseError, RunLockedError } from '../core/errors.js';
import type { Warehouse } from '../db/connection.js';
import { maskUrl } from '../db/mask-url.js';

/**
 * One run of a project at a time. On a server: a session-level advisory lock on a dedicated connection, so it
 * dies with the process (kill -9 included). On PGlite: the data-directory lock, which only one process can hold.
 */
export interface RunLock {
  /** Records the run id where other processes can see it. */
  annotate(runId: number): void;
  release(): Promise<void>;
}

export async function acquireRunLock(warehouse: Warehouse, project: string): Promise<RunLock> {
  if (warehouse.kind === 'pglite') {
    const dirLock = warehouse.dirLock!;
    dirLock.annotate(project);
    return { annotate: (runId) => dirLock.annotate(project, runId), release: async () => {} };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: warehouse.url!, connectionTimeoutMillis: 10_000 });
  // An error on an idle lock connection (server restart) must not crash the process; the run goes on.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseError(
      `cannot open the run-lock connection to ${maskUrl(warehouse.url!)}: ${(error as Error).message}`,
    );
  }
  const key = `dwh.run:${project}`;
  const { rows } = await client.query<{ locked: boolean }>(
    'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
    [key],
  );
  if (!rows[0]?.locked) {
    await client.end();
    throw new RunLockedError(project, await describeActiveRun(warehouse, project));
  }
  return {
    annotate: () => {},
    release: async () => {
      await client.end();
    },
  };
}

async function describeActiveRun(warehouse: Warehouse, project: string): Promise<string> {
  const [row] = await warehouse.query<{
    run_id: number;
    pid: number;
    host: string;
    start: Date;
    heartbeat_at: Date;
  }>(
    `select run_id, pid, host, start_script_execution_time as start, heartbeat_at from dwh.etl_runs
     where project_name = $1 and status = 'running' order by run_id desc limit 1`,
    [project],
  );
  if (!row)
    return (
      (await describeActiveBackfill(warehouse, project)) ??
      'another process holds its run lock (it has not recorded its run yet)'
    );
  return `run ${row.run_id} (pid ${row.pid} on ${row.host}, started ${row.start.toISOString()}, last heartbeat ${row.heartbeat_at.toISOString()})`;
}

/** A backfill holds the lock between its windows, when no run of it is recorded as running. */
async function describeActiveBackfill(warehouse: Warehouse, project: string): Promise<string | null> {
  const [table] = await warehouse.query<{ t: string | null }>(
    `select to_regclass('dwh.backfills')::text as t`,
  );
  if (!table?.t) return null;
  const [row] = await warehouse.query<{ backfill_id: number; pid: number; host: string; updated_at: Date }>(
    `select backfill_id, pid, host, updated_at from dwh.backfills
     where project_name = $1 and status = 'running' order by backfill_id desc limit 1`,
    [project],
  );
  return row
    ? `backfill ${row.backfill_id} (pid ${row.pid} on ${row.host}, last window change ${row.updated_at.toISOString()})`
    : null;
}

/**
 * Runs of the project still marked `running` once we hold its lock have lost their owner (killed, crashed,
 * machine restarted): they are marked `crashed`, their open attempts `failed`, each with an explanation.
 */
export async function recoverCrashedRuns(warehouse: Warehouse, project: string): Promise<number[]> {
  const rows = await warehouse.query<{ run_id: number }>(
    `update dwh.etl_runs set status = 'crashed', end_script_execution_time = now(),
       error_message = 'crashed: process ' || pid || ' on ' || host || ' stopped without finishing the run '
         || '(its run lock was free; last heartbeat ' || to_char(heartbeat_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
     where project_name = $1 and status = 'running'
     returning run_id`,
    [project],
  );
  const ids = rows.map((row) => Number(row.run_id));
  if (ids.length) {
    await warehouse.query(
      `update dwh.etl_task_runs set status = 'failed', ended_at = now(),
         error_message = 'the run crashed while this attempt was running'
       where run_id = any($1::bigint[]) and status = 'running'`,
      [ids],
    );
  }
  return ids;
}
