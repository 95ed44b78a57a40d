import { instantOf } from './casts.js';

/** Running min/max of one date column, reported as the run's data_min_date / data_max_date. */
export class DateRange {
  min: number | null = null;
  max: number | null = null;

  add(value: unknown): void {
    if (value === null || value === undefined) return;
    const ms = instantOf(value);
    if (ms === null) return;
    if (this.min === null || ms < this.min) this.min = ms;
    if (this.max === null || ms > this.max) this.max = ms;
  }

  get minDate(): Date | null {
    return this.min === null ? null : new Date(this.min);
  }

  get maxDate(): Date | null {
    return this.max === null ? null : new Date(this.max);
  }
}
