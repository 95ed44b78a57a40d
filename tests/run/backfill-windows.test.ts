import { describe, expect, it } from 'vitest';
import { formatShortDuration as formatDuration } from '../../src/present/durations.js';
import { planBackfillWindows } from '../../src/run/backfill-windows.js';

const d = (text: string) => new Date(`${text}T00:00:00Z`);
const days = (windows: ReturnType<typeof planBackfillWindows>) =>
  windows.map((w) => [w.index, w.start.toISOString().slice(0, 10), w.end.toISOString().slice(0, 10)]);

describe('backfill: window planning', () => {
  it('splits the range into consecutive windows of N days, the last one shorter', () => {
    expect(days(planBackfillWindows(d('2026-01-01'), d('2026-01-08'), 3))).toEqual([
      [1, '2026-01-01', '2026-01-04'],
      [2, '2026-01-04', '2026-01-07'],
      [3, '2026-01-07', '2026-01-08'],
    ]);
  });

  it('makes one window per day by default granularity of 1 day, covering the range without gaps', () => {
    const windows = planBackfillWindows(d('2026-02-27'), d('2026-03-02'), 1);
    expect(days(windows)).toEqual([
      [1, '2026-02-27', '2026-02-28'],
      [2, '2026-02-28', '2026-03-01'],
      [3, '2026-03-01', '2026-03-02'],
    ]);
  });

  it('makes a single window when the range is shorter than N days', () => {
    expect(days(planBackfillWindows(d('2026-01-01'), d('2026-01-03'), 30))).toEqual([
      [1, '2026-01-01', '2026-01-03'],
    ]);
  });

  it('rejects an empty range and a window size below one day, naming the option', () => {
    expect(() => planBackfillWindows(d('2026-01-02'), d('2026-01-02'), 1)).toThrow(
      /--start-date .* is not before --end-date/,
    );
    expect(() => planBackfillWindows(d('2026-01-01'), d('2026-01-02'), 0)).toThrow(
      /--load-days: must be a whole number/,
    );
    expect(() => planBackfillWindows(d('2026-01-01'), d('2026-01-02'), 1.5)).toThrow(/--load-days/);
  });

  it('formats the remaining time for the progress line', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(65_000)).toBe('1 m 05 s');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 m');
  });
});
