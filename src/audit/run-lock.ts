import { DatabaseError, RunLockedError } from '../core/errors.js';
import type { Warehouse } from '../db/connection.js';
import { maskUrl } from '../logging/redact.js';
import { latestRunningBackfill } from './backfill-store.js';
import { DEFAULT_HEARTBEAT_MS, staleAfterMs } from './run-liveness.js';
import { listRunningRunsOf, markRunsCrashed } from './run-store.js';
import { failAttemptsOfCrashedRuns } from './task-run-store.js';

/**
 * One run of a project at a time. On a server: a session-level advisory lock on a dedicated connection, so it
 * dies with the process (kill -9 included). On PGlite: the data-directory lock, which only one process can hold.
 *
 * A server lock can also die while the process lives on (pg_terminate_backend, a server restart, a network cut):
 * from then on another run may take the lock. The lock connection's error and end events, and `verify()` (called
 * with every heartbeat), make `lost()` return why; the run must stop before it writes again.
 */
export interface RunLock {
  /** Records the run id where other processes can see it. */
  annotate(runId: number): void;
  /** Null while the lock is held; once lost, the reason. */
  lost(): string | null;
  /** Called once when the lock is found lost (immediately if it already is). */
  onLost(listener: (reason: string) => void): void;
  /** Checks the lock connection with a round trip; a failure marks the lock lost. */
  verify(): Promise<void>;
  release(): Promise<void>;
}

/** How often a waiting run tries the lock again. */
const LOCK_RETRY_MS = 500;

/**
 * Takes the project's lock. `waitMs` > 0 (`dwh run --wait`, for cron overlaps) waits for the running one to
 * finish; when it has not finished by then, the run is refused like without waiting. PGlite cannot wait: its
 * data-directory lock refuses a second process at once.
 */
export async function acquireRunLock(warehouse: Warehouse, project: string, waitMs = 0): Promise<RunLock> {
  if (warehouse.kind === 'pglite') {
    const dirLock = warehouse.dirLock!;
    dirLock.annotate(project);
    // held by this process for as long as it lives: it cannot be lost while the process runs
    return {
      annotate: (runId) => dirLock.annotate(project, runId),
      lost: () => null,
      onLost: () => {},
      verify: async () => {},
      release: async () => {},
    };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: warehouse.url!, connectionTimeoutMillis: 10_000 });
  let lostReason: string | null = null;
  let released = false;
  const listeners: Array<(reason: string) => void> = [];
  const markLost = (reason: string) => {
    if (released || lostReason !== null) return;
    lostReason = reason;
    for (const listener of listeners.splice(0)) listener(reason);
  };
  // An error on the idle lock connection (server restart, pg_terminate_backend) must not crash the process:
  // it means the lock is gone, which the run learns through lost()/onLost().
  client.on('error', (error) => markLost(`its lock connection failed: ${error.message}`));
  client.on('end', () => markLost('its lock connection was closed'));
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseError(
      `cannot open the run-lock connection to ${maskUrl(warehouse.url!)}: ${(error as Error).message}`,
    );
  }
  const key = `dwh.run:${project}`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
      [key],
    );
    if (rows[0]?.locked) break;
    if (Date.now() >= deadline) {
      const active = await describeActiveRun(warehouse, project);
      released = true;
      await client.end();
      throw new RunLockedError(project, waitMs > 0 ? `${active}; waited ${waitText(waitMs)}` : active);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_RETRY_MS, deadline - Date.now())));
  }
  return {
    annotate: () => {},
    lost: () => lostReason,
    onLost: (listener) => {
      if (lostReason !== null) listener(lostReason);
      else listeners.push(listener);
    },
    verify: async () => {
      if (lostReason !== null) return;
      try {
        await client.query('select 1');
      } catch (error) {
        markLost(`its lock connection failed: ${(error as Error).message}`);
      }
    },
    release: async () => {
      if (released) return;
      released = true;
      // a dead connection has nothing left to close (and end() on it may never settle)
      if (lostReason === null) await client.end();
    },
  };
}

async function describeActiveRun(warehouse: Warehouse, project: string): Promise<string> {
  const row = (await listRunningRunsOf(warehouse, project)).at(-1);
  if (!row)
    return (
      (await describeActiveBackfill(warehouse, project)) ??
      'another process holds its run lock (it has not recorded its run yet)'
    );
  return `run ${row.run_id} (pid ${row.pid} on ${row.host}, started ${row.start_script_execution_time.toISOString()}, last heartbeat ${row.heartbeat_at.toISOString()})`;
}

/** A backfill holds the lock between its windows, when no run of it is recorded as running. */
async function describeActiveBackfill(warehouse: Warehouse, project: string): Promise<string | null> {
  const row = await latestRunningBackfill(warehouse, project);
  return row
    ? `backfill ${row.backfill_id} (pid ${row.pid} on ${row.host}, last window change ${row.updated_at.toISOString()})`
    : null;
}

/**
 * Runs of the project still marked `running` once we hold its lock have lost their owner (killed, crashed,
 * machine restarted): they are marked `crashed`, their open attempts `failed`, each with an explanation.
 *
 * Not while their heartbeat is fresh: on a server, a run whose lock connection died is still alive until its
 * next heartbeat tells it so and it stops. Such a run is waited for (until it ends or its heartbeat goes stale);
 * one that keeps its heartbeat fresh for twice the staleness limit is refused as running (exit 3).
 * On PGlite only this process can open the database, so every `running` row is dead (`trustLock`).
 */
export async function recoverCrashedRuns(
  warehouse: Warehouse,
  project: string,
  options: { onWait?: (message: string) => void } = {},
): Promise<number[]> {
  const trustLock = warehouse.kind === 'pglite';
  const ids: number[] = [];
  const started = Date.now();
  let announced = false;
  for (;;) {
    ids.push(...(await markStaleRunsCrashed(warehouse, project, trustLock)));
    if (trustLock) return ids;
    const live = await listRunningRunsOf(warehouse, project);
    if (live.length === 0) return ids;
    const limit = 2 * Math.max(...live.map((row) => staleAfterMs(row.heartbeat_ms)));
    const describe = live
      .map(
        (row) =>
          `run ${row.run_id} (pid ${row.pid} on ${row.host}, last heartbeat ${row.heartbeat_at.toISOString()})`,
      )
      .join(', ');
    if (Date.now() - started > limit) {
      throw new RunLockedError(
        project,
        `${describe} keeps its heartbeat fresh though its run lock is free; it may be a dwh version that does not stop when it loses its lock`,
      );
    }
    if (!announced) {
      options.onWait?.(`waiting for ${describe}: its run lock is free but its heartbeat is fresh`);
      announced = true;
    }
    const interval = Math.min(...live.map((row) => row.heartbeat_ms ?? DEFAULT_HEARTBEAT_MS));
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, interval / 2))));
  }
}

async function markStaleRunsCrashed(warehouse: Warehouse, project: string, all: boolean): Promise<number[]> {
  const ids = await markRunsCrashed(warehouse, project, all);
  if (ids.length) await failAttemptsOfCrashedRuns(warehouse, ids);
  return ids;
}

function waitText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
