import type { LoadWindow, TaskResult } from '../core/types.js';
import { toUtcDate } from '../core/dates.js';

/** What the next incremental window is based on: the previous complete, successful run of the project. */
export interface PreviousRun {
  dataMaxDate: Date | null;
  endLoadDate: Date;
}

/**
 * The watermark an incremental run starts from: the previous run's data_max_date, never beyond that run's
 * window end (a task that reports a date past the window must not make the next run skip data that was never
 * loaded); with no data dates reported, the window end.
 */
export function watermarkOf(previous: PreviousRun): Date {
  const { dataMaxDate, endLoadDate } = previous;
  if (dataMaxDate === null || dataMaxDate.getTime() > endLoadDate.getTime()) return endLoadDate;
  return dataMaxDate;
}

/**
 * A warning when a task reports data dates outside the run's window `[start, end)`, or null. The dates are
 * stored as reported; only the watermark is capped at the window end (see watermarkOf).
 */
export function datesOutsideWindow(task: string, window: LoadWindow, result: TaskResult): string | null {
  const min = asDate(result.dataMinDate);
  const max = asDate(result.dataMaxDate);
  const outside: string[] = [];
  if (min && min.getTime() < window.start.getTime()) outside.push(`dataMinDate ${min.toISOString()}`);
  if (max && max.getTime() > window.end.getTime()) outside.push(`dataMaxDate ${max.toISOString()}`);
  if (outside.length === 0) return null;
  return (
    `task '${task}' reported ${outside.join(' and ')} outside the window ` +
    `${window.start.toISOString()} → ${window.end.toISOString()}; stored as reported, but the next ` +
    `incremental run starts no later than the window end`
  );
}

// Invalid dates are left to the runner, which rejects them with the task's name.
function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = toUtcDate(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
