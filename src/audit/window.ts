import { WindowError } from '../core/errors.js';
import type { LoadType, LoadWindow } from '../core/types.js';
import { watermarkOf, type PreviousRun } from './watermark.js';
import { DAY_MS, isCalendarDay, isDateOnly, parseUtcTimestamp } from '../core/dates.js';

export interface WindowInput {
  loadType: LoadType;
  /** The clock; the window end is `now` truncated to `grain` unless `endOverride` is given. */
  now: Date;
  grain: 'day' | 'hour';
  fullLoadStartDate: Date;
  lookbackDays: number;
  /** The previous complete (`full`), successful run of the project, if any. */
  previous: PreviousRun | null;
  startOverride?: Date;
  endOverride?: Date;
}

/**
 * The half-open window `[start, end)` of a run, in UTC.
 * - I: start = the watermark − lookbackDays: the previous complete successful run's data_max_date, capped at
 *   its end_load_date (see watermarkOf); with no previous run, the full-load start date.
 * - F: start = fullLoadStartDate.
 * - end = now truncated to the grain. `--start-date` / `--end-date` override either side.
 */
export function computeWindow(input: WindowInput): LoadWindow {
  const previousMaxDate = input.loadType === 'I' && input.previous ? watermarkOf(input.previous) : null;
  const computedStart =
    previousMaxDate === null
      ? input.fullLoadStartDate
      : new Date(previousMaxDate.getTime() - input.lookbackDays * DAY_MS);
  const start = input.startOverride ?? computedStart;
  const end = input.endOverride ?? truncate(input.now, input.grain);
  if (start.getTime() >= end.getTime()) {
    const origin = input.startOverride
      ? '--start-date'
      : previousMaxDate
        ? `the previous successful run's max date ${previousMaxDate.toISOString()} minus ${input.lookbackDays} lookback day(s)`
        : 'fullLoadStartDate';
    throw new WindowError(
      `empty load window: start ${start.toISOString()} (from ${origin}) is not before end ${end.toISOString()}` +
        `${input.endOverride ? ' (from --end-date)' : ` (now truncated to the ${input.grain})`}. ` +
        'Pass --start-date/--end-date, or wait until there is new time to load.',
    );
  }
  return { loadType: input.loadType, start, end, previousMaxDate };
}

export function truncate(date: Date, grain: 'day' | 'hour'): Date {
  const d = new Date(date.getTime());
  if (grain === 'day') d.setUTCHours(0, 0, 0, 0);
  else d.setUTCMinutes(0, 0, 0);
  return d;
}

/**
 * Parses a CLI date: `YYYY-MM-DD` (midnight UTC) or an ISO timestamp (no zone = UTC).
 * Throws a WindowError naming the option and the value.
 */
export function parseCliDate(option: string, value: string): Date {
  const dateOnly = isDateOnly(value);
  const withTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value);
  if (!dateOnly && !withTime) {
    throw new WindowError(`${option}: '${value}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss][Z]`);
  }
  const date = parseUtcTimestamp(value);
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(date.getTime()) || !isCalendarDay(y, m, d)) {
    throw new WindowError(`${option}: '${value}' is not a valid calendar date`);
  }
  return date;
}
