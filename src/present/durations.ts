/**
 * How long something took, in one look everywhere: `0.85 s`, `2 min 05 s`, `1 h 02 min`, `3 d 4 h`, and `—`
 * when unknown. Each step shows two units at most: a run of an hour is not read to the second.
 */

export interface DurationOptions {
  /**
   * `'standard'`: hundredths below a minute and `min` for minutes. (Default)
   * `'short'`: whole seconds and `m` (`4 s`, `1 m 05 s`, `2 h 07 m`), for progress lines and estimates
   * that repeat every few seconds, where hundredths are noise.
   */
  style?: 'standard' | 'short';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function formatDuration(ms: number | null, { style = 'standard' }: DurationOptions = {}): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  // an elapsed time is never negative; a clock step back between two readings must not print "-1 s"
  const elapsed = Math.max(0, ms);
  // 59.995 s would round to "60.00 s": from there on it is a minute
  if (style === 'standard' && elapsed < 59_995) return `${(elapsed / 1000).toFixed(2)} s`;
  const minute = style === 'short' ? 'm' : 'min';
  const seconds = Math.round(elapsed / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} ${minute} ${pad2(seconds % 60)} s`;
  const minutes = Math.round(seconds / 60);
  // up to two days hours stay countable ("47 h 10 min"); beyond, days read better
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} ${minute}`;
  const hours = Math.round(minutes / 60);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `formatDuration(ms, { style: 'short' })`: `4 s`, `1 m 05 s`, `2 h 07 m`. */
export function formatShortDuration(ms: number | null): string {
  return formatDuration(ms, { style: 'short' });
}
