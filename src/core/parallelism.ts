import { UsageError } from './errors.js';

/**
 * How many tasks of a run may run at once (parameters.ts `maxParallelTasks`, `dwh run --parallel N`). The
 * bound keeps the warehouse pool, which grows with it, well below a server's max_connections.
 */
export const MAX_PARALLEL_TASKS = 64;

/** `--parallel N`: a whole number from 1 to MAX_PARALLEL_TASKS, else a usage error (exit 2). */
export function parseParallel(value: string | number, option = '--parallel'): number {
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLEL_TASKS) {
    throw new UsageError(`${option}: '${text}' is not a whole number from 1 to ${MAX_PARALLEL_TASKS}`);
  }
  return n;
}

/**
 * Warehouse connections a run needs: one per running task, one for the audit writes beside them and one for
 * the heartbeat; never fewer than the 5 a run has always had.
 */
export function warehousePoolSize(maxParallel: number): number {
  return Math.max(5, maxParallel + 2);
}
