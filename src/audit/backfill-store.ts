import os from 'node:os';
import type { LoadType } from '../core/types.js';
import type { Warehouse } from '../db/connection.js';

export interface BackfillWindow {
  /** 1-based position of the window in the backfill. */
  index: number;
  start: Date;
  end: Date;
}

type BackfillStatus = 'running' | 'success' | 'failed';
type BackfillWindowStatus = 'pending' | 'running' | 'success' | 'failed';

/** One row of dwh.backfills as read back. */
export interface BackfillRow {
  backfill_id: number;
  project_name: string;
  environment: string;
  load_type: LoadType;
  start_date: Date;
  end_date: Date;
  load_days: number;
  status: BackfillStatus;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  host: string;
  pid: number;
  error_message: string | null;
}

/** One row of dwh.backfill_windows as read back. */
export interface BackfillWindowRow {
  backfill_id: number;
  window_index: number;
  start_load_date: Date;
  end_load_date: Date;
  status: BackfillWindowStatus;
  run_id: number | null;
  tries: number;
  started_at: Date | null;
  ended_at: Date | null;
  error_message: string | null;
}

/** What makes two `dwh backfill` commands "the same": re-running it continues the earlier one. */
export interface BackfillKey {
  project: string;
  environment: string;
  loadType: LoadType;
  start: Date;
  end: Date;
  loadDays: number;
}

/**
 * The project's newest backfill marked `running`. None in an audit schema from before backfills (refusing a
 * run describes what holds the lock, whatever the schema).
 */
export async function latestRunningBackfill(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
): Promise<Pick<BackfillRow, 'backfill_id' | 'pid' | 'host' | 'updated_at'> | null> {
  const [table] = await warehouse.query<{ t: string | null }>(
    `select to_regclass('dwh.backfills')::text as t`,
  );
  if (!table?.t) return null;
  const [row] = await warehouse.query<Pick<BackfillRow, 'backfill_id' | 'pid' | 'host' | 'updated_at'>>(
    `select backfill_id, pid, host, updated_at from dwh.backfills
     where project_name = $1 and status = 'running' order by backfill_id desc limit 1`,
    [project],
  );
  return row ?? null;
}

/** The latest backfill with this key, if any. */
export async function findBackfill(warehouse: Warehouse, key: BackfillKey): Promise<BackfillRow | null> {
  const [row] = await warehouse.query<BackfillRow>(
    `select * from dwh.backfills
     where project_name = $1 and environment = $2 and load_type = $3 and start_date = $4 and end_date = $5
       and load_days = $6
     order by backfill_id desc limit 1`,
    [key.project, key.environment, key.loadType, key.start, key.end, key.loadDays],
  );
  return row ? normalise(row) : null;
}

/** Records a new backfill and all its windows as pending, in one transaction. */
export async function createBackfill(
  warehouse: Warehouse,
  key: BackfillKey,
  windows: BackfillWindow[],
): Promise<number> {
  return warehouse.transaction(async (connection) => {
    const [inserted] = await connection.query<{ backfill_id: string | number }>(
      `insert into dwh.backfills (project_name, environment, load_type, start_date, end_date, load_days, status,
         host, pid)
       values ($1, $2, $3, $4, $5, $6, 'running', $7, $8) returning backfill_id`,
      [
        key.project,
        key.environment,
        key.loadType,
        key.start,
        key.end,
        key.loadDays,
        os.hostname(),
        process.pid,
      ],
    );
    const id = Number(inserted!.backfill_id);
    for (const window of windows) {
      await connection.query(
        `insert into dwh.backfill_windows (backfill_id, window_index, start_load_date, end_load_date, status)
         values ($1, $2, $3, $4, 'pending')`,
        [id, window.index, window.start, window.end],
      );
    }
    return id;
  });
}

/** Marks a backfill as taken over by this process (after a kill, or to retry failed windows). */
export async function claimBackfill(warehouse: Warehouse, backfillId: number): Promise<void> {
  await warehouse.query(
    `update dwh.backfills set status = 'running', host = $2, pid = $3, updated_at = now(), finished_at = null,
       error_message = null
     where backfill_id = $1`,
    [backfillId, os.hostname(), process.pid],
  );
}

export async function listBackfillWindows(
  warehouse: Warehouse,
  backfillId: number,
): Promise<BackfillWindowRow[]> {
  const rows = await warehouse.query<BackfillWindowRow>(
    `select * from dwh.backfill_windows where backfill_id = $1 order by window_index`,
    [backfillId],
  );
  return rows.map((row) => ({
    ...row,
    backfill_id: Number(row.backfill_id),
    run_id: row.run_id === null ? null : Number(row.run_id),
  }));
}

export async function startWindow(warehouse: Warehouse, backfillId: number, index: number): Promise<void> {
  await warehouse.query(
    `update dwh.backfill_windows set status = 'running', tries = tries + 1, started_at = now(), ended_at = null,
       error_message = null
     where backfill_id = $1 and window_index = $2`,
    [backfillId, index],
  );
}

export async function finishWindow(
  warehouse: Warehouse,
  backfillId: number,
  index: number,
  outcome: { status: 'success' | 'failed'; runId: number | null; errorMessage: string | null },
): Promise<void> {
  await warehouse.query(
    `update dwh.backfill_windows set status = $3, run_id = coalesce($4, run_id), error_message = $5,
       ended_at = now()
     where backfill_id = $1 and window_index = $2`,
    [backfillId, index, outcome.status, outcome.runId, outcome.errorMessage],
  );
  await warehouse.query(`update dwh.backfills set updated_at = now() where backfill_id = $1`, [backfillId]);
}

/**
 * A resumed run that succeeded settles the backfill window of the runs it resumed (`chain`: their ids): the
 * window is `success` with the resumed run's id, so running the same backfill again continues after it; a
 * backfill whose windows are then all successful is `success`. Returns the windows settled.
 */
export async function settleResumedWindow(
  warehouse: Warehouse,
  chain: readonly number[],
  runId: number,
): Promise<{ backfillId: number; index: number }[]> {
  const rows = await warehouse.query<{ backfill_id: number; window_index: number }>(
    `update dwh.backfill_windows set status = 'success', run_id = $2, error_message = null, ended_at = now()
     where run_id = any($1::bigint[]) and status = 'failed'
     returning backfill_id, window_index`,
    [chain, runId],
  );
  const settled = rows.map((r) => ({ backfillId: Number(r.backfill_id), index: Number(r.window_index) }));
  for (const backfillId of new Set(settled.map((w) => w.backfillId)))
    await warehouse.query(
      `update dwh.backfills b set updated_at = now(),
         status = case when not exists (select 1 from dwh.backfill_windows w
                                        where w.backfill_id = b.backfill_id and w.status <> 'success')
                       and b.status = 'failed' then 'success' else b.status end,
         error_message = case when not exists (select 1 from dwh.backfill_windows w
                                               where w.backfill_id = b.backfill_id and w.status <> 'success')
                              and b.status = 'failed' then null else b.error_message end
       where backfill_id = $1`,
      [backfillId],
    );
  return settled;
}

export async function finishBackfill(
  warehouse: Warehouse,
  backfillId: number,
  status: 'success' | 'failed',
  errorMessage: string | null,
): Promise<void> {
  await warehouse.query(
    `update dwh.backfills set status = $2, error_message = $3, updated_at = now(), finished_at = now()
     where backfill_id = $1`,
    [backfillId, status, errorMessage],
  );
}

function normalise(row: BackfillRow): BackfillRow {
  return { ...row, backfill_id: Number(row.backfill_id), load_days: Number(row.load_days) };
}
