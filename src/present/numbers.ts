/**
 * Numbers as users read them, the same on the console, in e-mail and on the dashboard. Unknown values (null,
 * NaN, ±Infinity) are shown as `—` rather than as `NaN` or `0`, so a missing measurement never looks like one.
 */

const GROUPED = new Intl.NumberFormat('en-US');

/** A whole count with thousands grouped by commas: `12,345`; `—` when unknown. */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  // `|| 0` turns the -0 of Math.round(-0.3) into 0: Intl would print it as "-0"
  return GROUPED.format(Math.round(n) || 0);
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** `512 B`, `48 kB`, `1.2 MB`, `3.4 GB` (powers of 1024); one decimal only below 10 of a unit. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** A ratio 0…1 as `97.3 %`. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(1)} %`;
}
