import type { BackfillWindow } from '../audit/backfill-store.js';
import { WindowError } from '../core/errors.js';
import { DAY_MS } from '../core/dates.js';

/**
 * Splits the half-open range `[start, end)` into consecutive windows of `loadDays` days, in order; the last
 * window is shorter when the range is not a multiple of `loadDays`.
 */
export function planBackfillWindows(start: Date, end: Date, loadDays: number): BackfillWindow[] {
  if (!Number.isInteger(loadDays) || loadDays < 1) {
    throw new WindowError(`--load-days: must be a whole number of days ≥ 1 (got ${String(loadDays)})`);
  }
  if (start.getTime() >= end.getTime()) {
    throw new WindowError(
      `backfill range is empty: --start-date ${start.toISOString()} is not before --end-date ${end.toISOString()}`,
    );
  }
  const windows: BackfillWindow[] = [];
  for (let from = start.getTime(); from < end.getTime(); from += loadDays * DAY_MS) {
    windows.push({
      index: windows.length + 1,
      start: new Date(from),
      end: new Date(Math.min(from + loadDays * DAY_MS, end.getTime())),
    });
  }
  return windows;
}
