/**
 * Dates as dwh reads them. Every instant is UTC (the warehouse session runs in UTC): a plain `YYYY-MM-DD`
 * is midnight UTC of that day, never local midnight as `new Date('2024-01-31T00:00')` would make it.
 */

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether the text is a plain `YYYY-MM-DD` (no time). */
export function isDateOnly(text: string): boolean {
  return DATE_ONLY.test(text);
}

/**
 * `YYYY-MM-DD` as midnight UTC; any other text as `new Date` reads it (an ISO timestamp with its zone). An
 * unreadable text gives an invalid Date: the caller names the option in its error.
 */
export function parseUtcDate(text: string): Date {
  return new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
}

/** A Date as it is, a string through `parseUtcDate`. */
export function toUtcDate(value: Date | string): Date {
  return value instanceof Date ? value : parseUtcDate(value);
}

/**
 * Like `parseUtcDate`, and a timestamp without a zone (`2024-01-31 12:30`) is UTC too, as in the warehouse.
 * A space may stand for the `T`.
 */
export function parseUtcTimestamp(text: string): Date {
  const iso = text.trim().replace(' ', 'T');
  if (DATE_ONLY.test(iso)) return parseUtcDate(iso);
  return new Date(/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(iso) ? iso : `${iso}Z`);
}

/** Whether year, month (1–12) and day form a day of the calendar (`2026-02-30` does not). */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
