import { instantOf } from './casts.js';

/** `YYYY-MM-DD[ HH:MM[:SS[.fff]]]` without a zone: such strings sort like the instants they name (UTC). */
const LOCAL_ISO = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * Running min/max of one date column, reported as the run's data_min_date / data_max_date. Zone-less ISO
 * strings (the usual shape of files and exports) are compared as text — no Date is made per row; other values
 * are compared as instants. Both are merged when the result is read.
 */
export class DateRange {
  private minText: string | null = null;
  private maxText: string | null = null;
  private minMs: number | null = null;
  private maxMs: number | null = null;

  add(value: unknown): void {
    if (value === null || value === undefined) return;
    if (typeof value === 'string' && LOCAL_ISO.test(value)) {
      const key = value.charCodeAt(10) === 84 ? `${value.slice(0, 10)} ${value.slice(11)}` : value; // 'T' → ' '
      if (this.minText === null || key < this.minText) this.minText = key;
      if (this.maxText === null || key > this.maxText) this.maxText = key;
      return;
    }
    const ms = instantOf(value);
    if (ms === null) return;
    if (this.minMs === null || ms < this.minMs) this.minMs = ms;
    if (this.maxMs === null || ms > this.maxMs) this.maxMs = ms;
  }

  get minDate(): Date | null {
    return pick(this.minMs, this.minText, Math.min);
  }

  get maxDate(): Date | null {
    return pick(this.maxMs, this.maxText, Math.max);
  }
}

function pick(ms: number | null, text: string | null, choose: (a: number, b: number) => number): Date | null {
  const fromText = text === null ? null : instantOf(text);
  if (ms === null && fromText === null) return null;
  if (ms === null) return new Date(fromText!);
  if (fromText === null) return new Date(ms);
  return new Date(choose(ms, fromText));
}
