import { migrate } from '../audit/migrate.js';
import { acquireRunLock, recoverCrashedRuns, type RunLock } from '../audit/run-lock.js';
import type { ResolvedConfig } from '../core/config.js';
import { openWarehouse, warehouseTarget, type Warehouse } from '../db/connection.js';
import type { Printer } from './run-report.js';

/** What the runs of a project write through while the session is open. */
export interface RunSession {
  /** The warehouse, its audit schema migrated. */
  warehouse: Warehouse;
  /** The project's run lock: no other run of the project starts until the session ends. */
  lock: RunLock;
  /** Runs of the project that had lost their process, marked `crashed` when the session opened. */
  crashed: number[];
}

export interface RunSessionOptions {
  /** The command, as other processes refused by the embedded warehouse are told (`run demo_sales`). */
  command: string;
  /**
   * When another run of the project holds its lock, wait this long for it; Infinity waits as long as it takes.
   * (Default: 0, refused at once with exit 3)
   */
  waitForLockMs?: number;
  /** Told when a crashed-looking run still has a fresh heartbeat and is waited for. (Default: not told) */
  onWait?: Printer;
  /** Connections of the warehouse pool: parallel tasks each hold one (see core/parallelism.ts). (Default: 5) */
  poolSize?: number;
}

/**
 * Opens the warehouse, migrates the audit schema, takes the project's run lock and recovers its crashed runs,
 * then calls `fn`; the lock is released and the warehouse closed when `fn` settles, whatever the outcome. A
 * backfill opens one session for all its windows, so no other run of the project slips in between two of them.
 */
export async function withRunSession<T>(
  config: ResolvedConfig,
  project: string,
  options: RunSessionOptions,
  fn: (session: RunSession) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse({
    ...warehouseTarget(config),
    command: options.command,
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
  });
  let lock: RunLock | null = null;
  try {
    await migrate(warehouse);
    lock = await acquireRunLock(warehouse, project, options.waitForLockMs);
    const crashed = await recoverCrashedRuns(
      warehouse,
      project,
      options.onWait ? { onWait: options.onWait } : {},
    );
    return await fn({ warehouse, lock, crashed });
  } finally {
    await lock?.release();
    await warehouse.close();
  }
}
