/** Text formatting shared by the subject and both bodies. */
import type { CheckSummary } from './run-email.js';

const numberFormat = new Intl.NumberFormat('en-US');

/** 12345 → "12,345" */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/** A window bound: "2026-11-21" at midnight UTC, else "2026-11-21 14:00 UTC". */
export function formatBound(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** An instant: "2026-11-21 14:03:07 UTC"; "—" for none. */
export function formatInstant(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—';
}

/** 850 → "0.85 s", 125000 → "2 min 05 s", 3723000 → "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Cuts text to `max` characters, saying so. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Every piece of text that goes into the HTML body passes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** `3 check(s): 1 passed, 2 did not pass`, naming the attempt when the checks are from a retry. */
export function checkSummaryLine(checks: CheckSummary): string {
  const { total, passed, rows, retried } = checks;
  const from = retried.length ? ` (results of the last attempt: ${retried.join(', ')})` : '';
  return `${total} check(s)${from}: ${passed} passed, ${rows.length} did not pass`;
}
