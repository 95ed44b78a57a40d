import type { RowBatch } from '../core/load-source.js';
import { ConfigError } from '../core/errors.js';
import { casts } from './casts.js';
import { DateRange } from './date-range.js';
import type { FilterOp, Mapping, MappingColumn, MappingFilter } from './mapping.js';
import { TransformError } from './transform-error.js';

/** Functions a mapping may name in `fn` (derived columns, filters); e.g. `import * as worker from './worker.js'`. */
export type MappingFunctions = Record<string, unknown>;

export interface RejectedRow {
  row: number;
  source: string | null;
  line: number | null;
  column: string;
  value: unknown;
  reason: string;
  /** The source row as read. */
  record: Record<string, unknown>;
}

export interface TransformStats {
  /** Rows read from the source. */
  read: number;
  /** Rows passed on (read − filtered − rejected). */
  records: number;
  filtered: number;
  rejected: number;
  dataMinDate: Date | null;
  dataMaxDate: Date | null;
}

export interface TransformedRows extends AsyncIterable<RowBatch> {
  readonly stats: TransformStats;
  /** Rows rejected so far (onError: reject). */
  readonly rejects: RejectedRow[];
}

type SourceRow = unknown[];
type ColumnFn = (row: SourceRow) => unknown;

interface Compiled {
  columns: readonly string[];
  steps: { name: string; compute: ColumnFn }[];
  filters: ((out: unknown[]) => boolean)[];
}

/**
 * One pass over the source rows: rename, derive, trim, default and cast each column, then filter. Bad rows
 * stop the transform (`onError: fail`, with row, line, column and value) or are set aside as rejects.
 * The date column's min/max and the counts are in `stats` once the rows are consumed.
 */
export function transformRows(
  input: AsyncIterable<RowBatch> | Iterable<RowBatch>,
  mapping: Mapping,
  functions: MappingFunctions = {},
): TransformedRows {
  const stats: TransformStats = {
    read: 0,
    records: 0,
    filtered: 0,
    rejected: 0,
    dataMinDate: null,
    dataMaxDate: null,
  };
  const rejects: RejectedRow[] = [];
  const range = new DateRange();
  const outputColumns = Object.keys(mapping.columns);
  const dateIndex = mapping.dateColumn ? outputColumns.indexOf(mapping.dateColumn) : -1;
  let compiled: Compiled | null = null;

  async function* run(): AsyncGenerator<RowBatch> {
    for await (const batch of input as AsyncIterable<RowBatch>) {
      if (compiled?.columns !== batch.columns) compiled = compile(mapping, batch.columns, functions);
      const { steps, filters } = compiled;
      const rows: unknown[][] = [];
      const lines: number[] | undefined = batch.lines ? [] : undefined;
      const width = steps.length;
      for (let r = 0; r < batch.rows.length; r++) {
        const source = batch.rows[r]!;
        const rowNumber = ++stats.read;
        const out = new Array<unknown>(width);
        let step = 0;
        try {
          for (; step < width; step++) out[step] = steps[step]!.compute(source);
        } catch (error) {
          const line = batch.lines?.[r] ?? null;
          const column = steps[step]!.name;
          const reason = error instanceof Error ? error.message : String(error);
          const value = valueForColumn(mapping, column, batch.columns, source);
          // a cast or a mapping function failing on this row's data is a bad row; anything else is a bug
          if (mapping.onError === 'fail') {
            throw new TransformError(
              mapping.name,
              rowNumber,
              batch.source ?? null,
              line,
              column,
              value,
              reason,
            );
          }
          stats.rejected++;
          rejects.push({
            row: rowNumber,
            source: batch.source ?? null,
            line,
            column,
            value,
            reason,
            record: recordOf(batch.columns, source),
          });
          continue;
        }
        let keep = true;
        for (const filter of filters)
          if (!filter(out)) {
            keep = false;
            break;
          }
        if (!keep) {
          stats.filtered++;
          continue;
        }
        if (dateIndex >= 0) range.add(out[dateIndex]);
        rows.push(out);
        lines?.push(batch.lines![r]!);
      }
      stats.records += rows.length;
      stats.dataMinDate = range.minDate;
      stats.dataMaxDate = range.maxDate;
      if (rows.length)
        yield {
          columns: outputColumns,
          rows,
          ...(batch.source ? { source: batch.source } : {}),
          ...(lines ? { lines } : {}),
        };
    }
  }
  const iterable = run();
  return {
    stats,
    rejects,
    [Symbol.asyncIterator]: () => iterable,
  };
}

function compile(mapping: Mapping, sourceColumns: readonly string[], functions: MappingFunctions): Compiled {
  const steps = Object.entries(mapping.columns).map(([name, spec]) => ({
    name,
    compute: compileColumn(
      mapping,
      name,
      typeof spec === 'string' ? { type: spec } : spec,
      sourceColumns,
      functions,
    ),
  }));
  const outputColumns = Object.keys(mapping.columns);
  const filters = mapping.filter.map((f) => compileFilter(mapping, f, outputColumns, functions));
  return { columns: sourceColumns, steps, filters };
}

function compileColumn(
  mapping: Mapping,
  name: string,
  spec: MappingColumn,
  sourceColumns: readonly string[],
  functions: MappingFunctions,
): ColumnFn {
  const trim = spec.trim ?? mapping.trim;
  const cast = spec.type ? casts[spec.type] : casts.text;
  const keepEmpty = !spec.type || spec.type === 'text';
  const fallback = spec.default === undefined || spec.default === null ? null : cast(spec.default);
  let read: ColumnFn;
  if (spec.template !== undefined) read = compileTemplate(mapping, name, spec.template, sourceColumns);
  else if (spec.fn !== undefined)
    read = compileFunction(mapping, `columns.${name}.fn`, spec.fn, sourceColumns, functions);
  else {
    const from = spec.from ?? name;
    const index = sourceColumns.indexOf(from);
    if (index < 0) {
      if (spec.default === undefined) {
        throw new ConfigError(
          `mapping '${mapping.name}'`,
          `columns.${name}`,
          from,
          `source has no column '${from}'; source columns: ${sourceColumns.join(', ')}`,
        );
      }
      return () => fallback;
    }
    read = (row) => row[index];
    if (!trim) {
      // the common case, kept free of extra calls: this runs for every value of every row
      return spec.type
        ? (row) => {
            const value = row[index];
            return value === undefined || value === null || (value === '' && !keepEmpty)
              ? fallback
              : cast(value);
          }
        : (row) => {
            const value = row[index];
            return value === undefined || value === null ? fallback : value;
          };
    }
  }
  return (row) => {
    let value = read(row);
    if (trim && typeof value === 'string') value = value.trim();
    if (value === undefined || value === null || (value === '' && !keepEmpty)) return fallback;
    return spec.type || typeof value !== 'string' ? cast(value) : value;
  };
}

function compileTemplate(
  mapping: Mapping,
  name: string,
  template: string,
  sourceColumns: readonly string[],
): ColumnFn {
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  const readers = parts.map((part) => {
    if (!/^\{[^}]+\}$/.test(part)) return () => part;
    const column = part.slice(1, -1).trim();
    const index = sourceColumns.indexOf(column);
    if (index < 0) {
      throw new ConfigError(
        `mapping '${mapping.name}'`,
        `columns.${name}.template`,
        template,
        `source has no column '${column}'`,
      );
    }
    return (row: SourceRow) => {
      const v = row[index];
      return v === null || v === undefined ? '' : (casts.text(v) as string);
    };
  });
  return (row) => readers.map((read) => read(row)).join('');
}

function compileFunction(
  mapping: Mapping,
  key: string,
  fnName: string,
  sourceColumns: readonly string[],
  functions: MappingFunctions,
): ColumnFn {
  const fn = functions[fnName];
  if (typeof fn !== 'function') {
    throw new ConfigError(
      `mapping '${mapping.name}'`,
      key,
      fnName,
      `no function '${fnName}' was passed in functions (known: ${
        Object.keys(functions)
          .filter((k) => typeof functions[k] === 'function')
          .join(', ') || 'none'
      })`,
    );
  }
  return (row) => (fn as (record: Record<string, unknown>) => unknown)(recordOf(sourceColumns, row));
}

const compare: Record<FilterOp, (a: unknown, b: unknown) => boolean> = {
  '=': (a, b) => a !== null && loose(a) === loose(b),
  '!=': (a, b) => a !== null && loose(a) !== loose(b),
  '>': (a, b) => a !== null && loose(a) > loose(b),
  '>=': (a, b) => a !== null && loose(a) >= loose(b),
  '<': (a, b) => a !== null && loose(a) < loose(b),
  '<=': (a, b) => a !== null && loose(a) <= loose(b),
  in: (a, b) => Array.isArray(b) && b.some((v) => loose(v) === loose(a)),
  'not in': (a, b) => Array.isArray(b) && !b.some((v) => loose(v) === loose(a)),
  'is null': (a) => a === null || a === undefined,
  'is not null': (a) => a !== null && a !== undefined,
};

/** Numbers compare as numbers, dates as instants, everything else as text. */
function loose(value: unknown): number | string {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && value !== '' && !Number.isNaN(Number(value))) return Number(value);
  return String(value);
}

function compileFilter(
  mapping: Mapping,
  filter: MappingFilter,
  outputColumns: string[],
  functions: MappingFunctions,
): (out: unknown[]) => boolean {
  if ('fn' in filter) {
    const fn = compileFunction(mapping, 'filter.fn', filter.fn, outputColumns, functions);
    return (out) => Boolean(fn(out));
  }
  const index = outputColumns.indexOf(filter.column);
  if (index < 0) {
    throw new ConfigError(
      `mapping '${mapping.name}'`,
      'filter.column',
      filter.column,
      `is not a mapped column; columns: ${outputColumns.join(', ')}`,
    );
  }
  const test = compare[filter.op];
  return (out) => test(out[index], filter.value);
}

function recordOf(columns: readonly string[], row: SourceRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  columns.forEach((c, i) => (record[c] = row[i]));
  return record;
}

function valueForColumn(
  mapping: Mapping,
  column: string,
  sourceColumns: readonly string[],
  row: SourceRow,
): unknown {
  const spec = mapping.columns[column];
  const from = typeof spec === 'object' && spec.from ? spec.from : column;
  const index = sourceColumns.indexOf(from);
  return index >= 0 ? row[index] : undefined;
}
