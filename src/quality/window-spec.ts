import { latestSuccessfulWindow } from '../audit/run-store.js';
import { CheckCannotRunError, type CheckScope, type WindowSpec } from './types.js';
import { DAY_MS, toUtcDate } from '../core/dates.js';

export interface TimeRange {
  start: Date;
  end: Date;
}

function toDate(value: string | Date, key: string): Date {
  const date = toUtcDate(value);
  if (Number.isNaN(date.getTime()))
    throw new CheckCannotRunError(`window.${key}: ${String(value)} is not a date`);
  return date;
}

/** The time range a windowed check covers; null means no limit (`'all'`). */
export async function resolveWindow(
  spec: WindowSpec | undefined,
  scope: CheckScope,
): Promise<TimeRange | null> {
  if (spec === undefined || spec === 'run') return { start: scope.window.start, end: scope.window.end };
  if (spec === 'all') return null;
  if ('lastDays' in spec) {
    return { start: new Date(scope.window.end.getTime() - spec.lastDays * DAY_MS), end: scope.window.end };
  }
  if ('from' in spec) return { start: toDate(spec.from, 'from'), end: toDate(spec.to, 'to') };
  const run = await latestSuccessfulWindow({ query: scope.query }, spec.project);
  if (!run) throw new CheckCannotRunError(`project ${spec.project} has no successful run yet`);
  return { start: run.start_load_date, end: run.end_load_date };
}

export function describeRange(range: TimeRange | null): string {
  if (!range) return 'all rows';
  return `${range.start.toISOString()} → ${range.end.toISOString()}`;
}
