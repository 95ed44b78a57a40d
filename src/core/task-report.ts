import { DwhError } from './errors.js';
import type { TaskResult } from './types.js';
import { toUtcDate } from './dates.js';

/** What one attempt reported, through `ctx.report()` and its return value. */
export interface Reported {
  records: number;
  rejected: number;
  min: Date | null;
  max: Date | null;
  warnings: string[];
  byTable: Record<string, number>;
  /** `{ skipDownstream: true }`: every task downstream of this one is skipped. */
  skipDownstream: boolean;
  /** `{ nothingToDo: true }` with it: the skip loses no data. */
  nothingToDo: boolean;
  /** `{ value }`, the last one reported; `hasValue` tells an undefined value from none. */
  value: unknown;
  hasValue: boolean;
  /** The pokes a sensor reported; null when the task reported none (it is not a sensor). */
  pokes: number | null;
}

export function emptyReport(): Reported {
  return {
    records: 0,
    rejected: 0,
    min: null,
    max: null,
    warnings: [],
    byTable: {},
    skipDownstream: false,
    nothingToDo: false,
    value: undefined,
    hasValue: false,
    pokes: null,
  };
}

/** Adds one report of a task to what its attempt reported so far; a malformed value is a usage error. */
export function mergeReport(into: Reported, result: TaskResult, task: string): void {
  if (result.rejected !== undefined) {
    if (typeof result.rejected !== 'number' || !Number.isFinite(result.rejected) || result.rejected < 0) {
      throw new DwhError(
        'USAGE',
        `task '${task}' reported rejected = ${String(result.rejected)}; expected a number ≥ 0`,
      );
    }
    into.rejected += result.rejected;
  }
  if (result.records !== undefined) {
    if (typeof result.records !== 'number' || !Number.isFinite(result.records) || result.records < 0) {
      throw new DwhError(
        'USAGE',
        `task '${task}' reported records = ${String(result.records)}; expected a number ≥ 0`,
      );
    }
    into.records += result.records;
    if (result.table !== undefined) {
      if (typeof result.table !== 'string' || result.table === '') {
        throw new DwhError(
          'USAGE',
          `task '${task}' reported table = ${JSON.stringify(result.table)}; expected a table name`,
        );
      }
      into.byTable[result.table] = (into.byTable[result.table] ?? 0) + result.records;
    }
  }
  if (result.pokes !== undefined) {
    if (!Number.isInteger(result.pokes) || result.pokes < 0) {
      throw new DwhError(
        'USAGE',
        `task '${task}' reported pokes = ${String(result.pokes)}; expected a whole number ≥ 0`,
      );
    }
    into.pokes = (into.pokes ?? 0) + result.pokes;
  }
  for (const key of ['skipDownstream', 'nothingToDo'] as const) {
    const value = result[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new DwhError(
        'USAGE',
        `task '${task}' reported ${key} = ${JSON.stringify(value)}; expected true or false`,
      );
    }
  }
  if (result.nothingToDo && !result.skipDownstream) {
    throw new DwhError(
      'USAGE',
      `task '${task}' reported nothingToDo without skipDownstream; ` +
        'return { skipDownstream: true, nothingToDo: true }',
    );
  }
  if (result.skipDownstream) {
    into.skipDownstream = true;
    into.nothingToDo = result.nothingToDo === true;
  }
  if ('value' in result) {
    into.value = result.value;
    into.hasValue = true;
  }
  for (const warning of result.warnings ?? []) into.warnings.push(String(warning));
  into.min = minDate(into.min, toDate(result.dataMinDate, 'dataMinDate', task));
  into.max = maxDate(into.max, toDate(result.dataMaxDate, 'dataMaxDate', task));
}

function toDate(value: Date | string | null | undefined, key: string, task: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = toUtcDate(value);
  if (Number.isNaN(date.getTime())) {
    throw new DwhError(
      'USAGE',
      `task '${task}' reported ${key} = ${JSON.stringify(value)}, which is not a date`,
    );
  }
  return date;
}

export const minDate = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a <= b ? a : b);
export const maxDate = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a >= b ? a : b);
