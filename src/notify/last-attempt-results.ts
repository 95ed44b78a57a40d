import type { DqResultRow } from '../core/check-result.js';

/** The part of a stored data quality result that says which attempt of which task produced it. */
export type AttemptedResult = Pick<DqResultRow, 'task_name' | 'attempt'>;

/**
 * The results of each task's last attempt, in their order: a task that was retried stored its checks once per
 * attempt, and the mail reports what the run ended with, not every try. Results outside a task are all kept.
 */
export function lastAttemptResults<T extends AttemptedResult>(results: readonly T[]): T[] {
  const last = new Map<string, number>();
  for (const r of results) {
    if (r.task_name === null) continue;
    last.set(r.task_name, Math.max(last.get(r.task_name) ?? 0, r.attempt ?? 1));
  }
  return results.filter((r) => r.task_name === null || (r.attempt ?? 1) === last.get(r.task_name));
}
