import type { TaskSkip } from './trigger-rules.js';

/**
 * Final state of one task in a run. `skipped`: it did not run because of a trigger rule, a branch or a
 * short-circuit; `not_run`: the run stopped (interrupted, failFast) before its turn.
 */
export type TaskOutcomeStatus = 'success' | 'failed' | 'upstream_failed' | 'disabled' | 'skipped' | 'not_run';

/** One task of a run: how it ended and what it reported. Later features keep their per-task results here. */
export interface TaskOutcome {
  name: string;
  description: string;
  status: TaskOutcomeStatus;
  attempts: number;
  /** Records of the successful attempt (failed attempts do not count). */
  records: number;
  /** The part of `records` reported with a `table`, per table (see run-records.ts). */
  byTable: Record<string, number>;
  /** Rows the successful attempt set aside as rejects. */
  rejected: number;
  /** What the last attempt reported as worth a reader's attention (e.g. facts mapped to the unknown member). */
  warnings: string[];
  durationMs: number;
  error: string | null;
  /** Message plus stack, for e-mails. */
  errorDetail: string | null;
  /** Why a `skipped` task was skipped, and whether that leaves the run complete; null otherwise. */
  skip?: TaskSkip | null;
  /** The `{ value }` of the successful attempt, for `ctx.upstream` (see task-values.ts). */
  value?: unknown;
  /**
   * A resumed run did not run the task: it reuses the successful attempt of this earlier run (see
   * reused-task.ts). `records` are that attempt's, counted in that run, not in this one.
   */
  reusedFrom?: number;
  /** A sensor's pokes, over all its attempts; null for tasks that are not sensors. */
  pokes?: number | null;
}

export function newOutcome(name: string, description: string | undefined): TaskOutcome {
  return {
    name,
    description: description ?? '',
    status: 'not_run',
    attempts: 0,
    records: 0,
    byTable: {},
    rejected: 0,
    warnings: [],
    durationMs: 0,
    error: null,
    errorDetail: null,
    skip: null,
    pokes: null,
  };
}

/**
 * Whether a task's work is missing from the run, so the run cannot be the base of the next incremental
 * window: it never had its turn, or it was skipped without the skip being declared "nothing to do" (see
 * TaskSkip). Disabled tasks and complete skips are part of what the factory means for this window.
 */
export function leftUndone(outcome: { status: TaskOutcomeStatus; skip?: TaskSkip | null }): boolean {
  if (outcome.status === 'not_run') return true;
  return outcome.status === 'skipped' && outcome.skip?.complete !== true;
}
