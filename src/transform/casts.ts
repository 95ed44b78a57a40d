/**
 * Casts from source values (mostly strings from files and APIs; typed values from databases) to what the
 * loader sends to COPY. Valid strings are kept as they are wherever PostgreSQL reads them the same way: the
 * cast validates, COPY converts, and no value is converted twice — this is what keeps parsed loads fast.
 */
import { parseUtcTimestamp } from '../core/dates.js';

export type CastType = 'int' | 'numeric' | 'date' | 'timestamp' | 'boolean' | 'text' | 'json';

export const castTypes: readonly CastType[] = [
  'int',
  'numeric',
  'date',
  'timestamp',
  'boolean',
  'text',
  'json',
];

/** Thrown by a cast; the transform adds row, column and source. */
class CastFailure extends Error {}

type Cast = (value: unknown) => unknown;

const INT = /^[+-]?\d+$/;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TRUE = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n', 'off']);
const INT_MAX = 9_223_372_036_854_775_807n;

function fail(value: unknown, type: CastType): never {
  throw new CastFailure(`cannot cast ${JSON.stringify(value)} to ${type}`);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day-of-month check without allocating a Date (this runs for every value). */
function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= DAYS[month - 1]!) return true;
  return month === 2 && day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Digits at `start…start+count` as a number, or -1. */
function digits(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * `YYYY-MM-DD` checked without a regex match (no capture strings per value): true valid, false invalid,
 * null not this shape.
 */
function plainDate(text: string): boolean | null {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const y = digits(text, 0, 4);
  const m = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0) return null;
  return validDate(y, m, d);
}

/** `YYYY-MM-DD HH:MM:SS` (or with T), the shape of most exports; see plainDate. */
function plainTimestamp(text: string): boolean | null {
  if (text.length !== 19) return null;
  const sep = text.charCodeAt(10);
  if ((sep !== 32 && sep !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const date = plainDate(text);
  if (date !== true) return date;
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const sec = digits(text, 17, 2);
  if (h < 0 || mi < 0 || sec < 0) return null;
  return h <= 23 && mi <= 59 && sec <= 60;
}

export const casts: Record<CastType, Cast> = {
  int(value) {
    if (typeof value === 'number') return Number.isInteger(value) ? value : fail(value, 'int');
    if (typeof value === 'bigint') return value;
    if (typeof value === 'string') {
      if (!INT.test(value)) fail(value, 'int');
      if (value.length > 18) {
        const big = BigInt(value);
        if (big > INT_MAX || big < -INT_MAX - 1n) fail(value, 'int');
      }
      return value;
    }
    return fail(value, 'int');
  },
  numeric(value) {
    if (typeof value === 'number') return Number.isFinite(value) ? value : fail(value, 'numeric');
    if (typeof value === 'bigint') return value;
    if (typeof value === 'string') return NUMERIC.test(value) ? value : fail(value, 'numeric');
    return fail(value, 'numeric');
  },
  date(value) {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) fail(value, 'date');
      return value.toISOString().slice(0, 10);
    }
    if (typeof value !== 'string') return fail(value, 'date');
    if (value.length === 10) {
      const quick = plainDate(value);
      if (quick) return value;
      if (quick === false) fail(value, 'date');
    }
    const m = DATE.exec(value) ?? TIMESTAMP.exec(value);
    if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!)) fail(value, 'date');
    return value.slice(0, 10);
  },
  timestamp(value) {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail(value, 'timestamp') : value;
    if (typeof value === 'number') return new Date(value);
    if (typeof value !== 'string') return fail(value, 'timestamp');
    const quick = plainTimestamp(value);
    if (quick) return value;
    if (quick === false) fail(value, 'timestamp');
    const m = TIMESTAMP.exec(value);
    if (
      !m ||
      !validDate(+m[1]!, +m[2]!, +m[3]!) ||
      Number(m[4] ?? 0) > 23 ||
      Number(m[5] ?? 0) > 59 ||
      Number(m[6] ?? 0) > 59
    )
      fail(value, 'timestamp');
    return value;
  },
  boolean(value) {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : fail(value, 'boolean');
    if (typeof value === 'string') {
      const text = value.toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
    }
    return fail(value, 'boolean');
  },
  text(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'object') return JSON.stringify(value);
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return String(value);
    return fail(value, 'text');
  },
  json(value) {
    if (typeof value !== 'string') return value;
    try {
      JSON.parse(value);
    } catch {
      // the reason is the value itself: not JSON
      fail(value, 'json');
    }
    return value;
  },
};

/**
 * Milliseconds since the epoch of a date/timestamp value, for data min/max. A timestamp without a zone is
 * UTC, as the warehouse session is.
 */
export function instantOf(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const ms = parseUtcTimestamp(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}
