import type { Reported } from './task-report.js';
import { newOutcome, type TaskOutcome } from './task-outcome.js';

/**
 * Resuming a failed run (`dwh run --resume`): a task that succeeded in the run resumed is not run again. Its
 * successful attempt stored what it reported (etl_task_runs.reported, as `AttemptReport`), so the resumed run
 * takes the task as if it had just ended that way: its value for `ctx.upstream`, its data dates for the run's
 * data min/max, the tasks a branch followed or a short-circuit skipped — skipped again. Its records stay
 * counted in the run whose attempt it is (see run-records.ts).
 */

/** What a successful attempt reported beyond its records and value, as stored with it (JSON). */
export interface AttemptReport {
  /** ISO instants, null when not reported. */
  dataMinDate: string | null;
  dataMaxDate: string | null;
  /** The records reported with a `table`, per table. */
  byTable: Record<string, number>;
  /** A branch: the direct downstream tasks it followed (full names); null for other tasks. */
  follow: string[] | null;
  /** `{ skipDownstream: true }`, and whether it was declared `nothingToDo`. */
  skipDownstream: boolean;
  nothingToDo: boolean;
  /** Whether the attempt left a `{ value }`: a stored null is then the value null, not "no value". */
  hasValue: boolean;
}

/** The report a successful attempt stores. */
export function attemptReport(reported: Reported, follow: string[] | null): AttemptReport {
  return {
    dataMinDate: reported.min?.toISOString() ?? null,
    dataMaxDate: reported.max?.toISOString() ?? null,
    byTable: { ...reported.byTable },
    follow,
    skipDownstream: reported.skipDownstream,
    nothingToDo: reported.nothingToDo,
    hasValue: reported.hasValue,
  };
}

/** A stored report read back; null when there is none (an attempt recorded before reports were stored). */
export function readAttemptReport(stored: unknown): AttemptReport | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const r = stored as Partial<AttemptReport>;
  const isDate = (v: unknown) => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));
  const ok =
    isDate(r.dataMinDate) &&
    isDate(r.dataMaxDate) &&
    typeof r.byTable === 'object' &&
    r.byTable !== null &&
    (r.follow === null || (Array.isArray(r.follow) && r.follow.every((t) => typeof t === 'string'))) &&
    typeof r.skipDownstream === 'boolean' &&
    typeof r.nothingToDo === 'boolean' &&
    typeof r.hasValue === 'boolean';
  return ok ? (r as AttemptReport) : null;
}

/** A task a resumed run does not run again: its successful attempt in an earlier run of the chain. */
export interface ReusedTask {
  /** The run of the attempt reused. */
  fromRun: number;
  records: number;
  /** The attempt's stored `{ value }` (masked as stored); meaningful when `report.hasValue`. */
  value: unknown;
  report: AttemptReport;
}

/** The outcome of a reused task: `success` with what its attempt reported, no attempt of this run. */
export function reusedOutcome(
  name: string,
  description: string | undefined,
  reused: ReusedTask,
): TaskOutcome {
  return {
    ...newOutcome(name, description),
    status: 'success',
    records: reused.records,
    byTable: { ...reused.report.byTable },
    ...(reused.report.hasValue ? { value: reused.value } : {}),
    reusedFrom: reused.fromRun,
  };
}
