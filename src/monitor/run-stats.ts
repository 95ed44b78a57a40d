import type { RunSummary } from './run-history.js';

/**
 * Trends over a project's successful runs: is it slowing down, is its volume changing? The latest runs are
 * compared with the runs before them by median, which one odd run does not move.
 */

/** How many latest runs form the "recent" side, and at most how many before them form the baseline. */
export const TREND_RECENT_RUNS = 3;
const TREND_BASELINE_RUNS = 10;
/** Recent median duration ≥ this × baseline (and at least `SLOWDOWN_MIN_MS` longer) flags a slowdown. */
const SLOWDOWN_RATIO = 1.5;
const SLOWDOWN_MIN_MS = 1000;
/** Recent median records ≤ baseline / this or ≥ baseline × this flags a volume change. */
const VOLUME_CHANGE_RATIO = 2;

interface Trend {
  /** Median of the latest runs (null when there are none). */
  recent: number | null;
  /** Median of the runs before them (null when fewer than `TREND_RECENT_RUNS` exist). */
  baseline: number | null;
  /** recent / baseline, null when either side is missing or the baseline is 0. */
  ratio: number | null;
}

export interface ProjectTrends {
  successfulRuns: number;
  duration: Trend & { slowingDown: boolean };
  records: Trend & { change: 'drop' | 'spike' | null };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `values` newest first. */
function trendOf(values: number[]): Trend {
  const recent = median(values.slice(0, TREND_RECENT_RUNS));
  const baselineValues = values.slice(TREND_RECENT_RUNS, TREND_RECENT_RUNS + TREND_BASELINE_RUNS);
  const baseline = baselineValues.length >= TREND_RECENT_RUNS ? median(baselineValues) : null;
  const ratio = recent !== null && baseline !== null && baseline > 0 ? recent / baseline : null;
  return { recent, baseline, ratio };
}

/** `runs` of one project, newest first, any status: only successful, finished runs count. */
export function projectTrends(runs: RunSummary[]): ProjectTrends {
  const done = runs.filter((r) => r.status === 'success' && r.durationMs !== null);
  const duration = trendOf(done.map((r) => r.durationMs!));
  const records = trendOf(done.map((r) => r.records));
  const slowingDown =
    duration.ratio !== null &&
    duration.ratio >= SLOWDOWN_RATIO &&
    duration.recent! - duration.baseline! >= SLOWDOWN_MIN_MS;
  const change =
    records.ratio === null
      ? records.baseline === 0 && (records.recent ?? 0) > 0
        ? 'spike'
        : null
      : records.ratio <= 1 / VOLUME_CHANGE_RATIO
        ? 'drop'
        : records.ratio >= VOLUME_CHANGE_RATIO
          ? 'spike'
          : null;
  return {
    successfulRuns: done.length,
    duration: { ...duration, slowingDown },
    records: { ...records, change },
  };
}
