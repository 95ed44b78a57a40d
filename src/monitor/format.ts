/** Human-readable values shared by the CLI tables and the dashboard. */

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`, `3 d 4 h`; `—` for null. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Thousands separated with a thin space so numbers stay readable in any locale: `1 234 567`. */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** `512 B`, `48 kB`, `1.2 MB`, `3.4 GB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `2026-11-22 03:00:01Z` (UTC, seconds) or `—`. */
export function formatInstant(date: Date | null): string {
  if (!date) return '—';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** A load window `[start, end)`: dates only when both are midnight UTC. */
export function formatWindow(start: Date, end: Date): string {
  const midnight = (d: Date) => d.getTime() % 86_400_000 === 0;
  const show = (d: Date) =>
    midnight(start) && midnight(end) ? d.toISOString().slice(0, 10) : formatInstant(d);
  return `${show(start)} → ${show(end)}`;
}

/** `3 min ago`, `in 2 h`. */
export function formatRelative(date: Date, now: Date): string {
  const diff = now.getTime() - date.getTime();
  const text = formatDuration(Math.abs(diff)).replace(/ \d+ (s|min)$/, '');
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** A ratio 0…1 as `97.3 %`. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(1)} %`;
}
