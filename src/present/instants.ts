/**
 * Points in time and load windows, always in UTC (the zone windows and watermarks are stored in), so a run
 * reads the same on a laptop, in an e-mail and on the dashboard: `2026-11-21 14:03:07 UTC`.
 */
import { formatDuration } from './durations.js';

export interface InstantOptions {
  /**
   * How UTC is marked: `'UTC'` after the time (Default), or a bare `'Z'` (`2026-11-21 14:03:07Z`) for
   * fixed-width console tables, where every column counts.
   */
  zone?: 'UTC' | 'Z';
}

const DAY_MS = 86_400_000;

function withZone(text: string, zone: 'UTC' | 'Z'): string {
  return zone === 'Z' ? `${text}Z` : `${text} UTC`;
}

/** To the second: `2026-11-21 14:03:07 UTC`; `—` for none. */
export function formatInstant(date: Date | null, { zone = 'UTC' }: InstantOptions = {}): string {
  if (!date) return '—';
  return withZone(date.toISOString().slice(0, 19).replace('T', ' '), zone);
}

export interface WindowOptions extends InstantOptions {
  /**
   * Leave out the seconds when both bounds are whole minutes (`2026-11-21 13:00 UTC`), for a subject line of
   * hourly windows. Bounds with seconds keep them, so no bound is shown earlier than it is. (Default: false)
   */
  trimSeconds?: boolean;
}

/**
 * A load window `[start, end)`: `2026-11-21 → 2026-11-22` when both bounds are midnight UTC, else both bounds
 * as instants (one bound as a date and the other as a time would hide that the window is not whole days).
 */
export function formatWindow(
  start: Date,
  end: Date,
  { zone = 'UTC', trimSeconds = false }: WindowOptions = {},
): string {
  const bounds = [start, end];
  let show: (date: Date) => string;
  if (bounds.every((d) => d.getTime() % DAY_MS === 0)) show = (d) => d.toISOString().slice(0, 10);
  else if (trimSeconds && bounds.every((d) => d.getTime() % 60_000 === 0))
    show = (d) => withZone(d.toISOString().slice(0, 16).replace('T', ' '), zone);
  else show = (d) => formatInstant(d, { zone });
  return `${show(start)} → ${show(end)}`;
}

/** How long ago (or until), in its largest unit: `12 s ago`, `3 min ago`, `in 2 h`, `3 d 4 h ago`. */
export function formatRelative(date: Date, now: Date): string {
  const diff = now.getTime() - date.getTime();
  const text = formatDuration(Math.abs(diff), { style: 'short' })
    .replace(/ \d+ (s|m)$/, '')
    .replace(/ m$/, ' min');
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}
