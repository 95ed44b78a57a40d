import type { Readable } from 'node:stream';

/**
 * What `loadTable` accepts. Connectors produce these; the loader never needs to know where data came from.
 *
 * - rows:  batches of positional rows with one column list per batch; values are JS values (strings, numbers,
 *          Dates, booleans, objects for json, null). `lines` (optional) are the source line numbers, for errors.
 * - bytes: encoded data that COPY reads as it is (the pass-through fast path): CSV files or a COPY TO STDOUT
 *          stream of another PostgreSQL database. One part per file; each part is loaded by its own COPY.
 */
export interface RowBatch {
  columns: readonly string[];
  rows: unknown[][];
  /** Where the rows came from (file name, URL, connector), for error messages. */
  source?: string;
  /** Line (or record) number of each row in `source`, for error messages. */
  lines?: number[];
}

export interface RowSource {
  kind: 'rows';
  batches: AsyncIterable<RowBatch> | Iterable<RowBatch>;
}

export interface BytePart {
  /** Shown in errors: a file name or "connector crm". */
  name: string;
  open(): Readable | Promise<Readable>;
}

export interface ByteSource {
  kind: 'bytes';
  /** `csv` (files) or `text` (PostgreSQL's COPY text format). */
  format: 'csv' | 'text';
  /** The first line of each part is a header. (Default: false) */
  header: boolean;
  /** Single-character field delimiter. (Default: ',' for csv, tab for text) */
  delimiter?: string;
  /** PostgreSQL encoding name of the bytes, e.g. UTF8 or LATIN1. (Default: UTF8) */
  encoding?: string;
  /** Target columns in the order of the fields; null: the header names (csv) or all table columns. */
  columns: readonly string[] | null;
  parts: AsyncIterable<BytePart> | Iterable<BytePart>;
}

export type LoadSource = RowSource | ByteSource;

/** Plain objects are accepted too: `loadTable(ctx, opts, [{ id: 1 }])`; they become batches of 10,000 rows. */
export type LoadInput =
  | LoadSource
  | AsyncIterable<RowBatch>
  | Iterable<RowBatch>
  | Iterable<Record<string, unknown>>
  | AsyncIterable<Record<string, unknown>>;

const OBJECT_BATCH = 10_000;

export function toLoadSource(input: LoadInput): LoadSource {
  if (isLoadSource(input)) return input;
  return { kind: 'rows', batches: batchesOf(input) };
}

function isLoadSource(input: LoadInput): input is LoadSource {
  const kind = (input as { kind?: unknown }).kind;
  return (kind === 'rows' || kind === 'bytes') && !(Symbol.iterator in input);
}

/** Accepts RowBatch iterables as they are and groups plain objects into batches (keys of the first row). */
async function* batchesOf(input: Exclude<LoadInput, LoadSource>): AsyncGenerator<RowBatch> {
  let columns: string[] | null = null;
  let rows: unknown[][] = [];
  for await (const item of input as AsyncIterable<unknown>) {
    if (isRowBatch(item)) {
      yield item;
      continue;
    }
    const record = item as Record<string, unknown>;
    columns ??= Object.keys(record);
    rows.push(columns.map((c) => record[c]));
    if (rows.length >= OBJECT_BATCH) {
      yield { columns, rows };
      rows = [];
    }
  }
  if (columns && rows.length) yield { columns, rows };
}

function isRowBatch(item: unknown): item is RowBatch {
  return (
    typeof item === 'object' &&
    item !== null &&
    Array.isArray((item as RowBatch).columns) &&
    Array.isArray((item as RowBatch).rows)
  );
}

/** Turns objects with possibly different keys into one batch whose columns are the union of keys seen. */
export function objectsToBatch(records: readonly Record<string, unknown>[], source?: string): RowBatch {
  const seen = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) seen.add(key);
  const columns = [...seen];
  return {
    columns,
    rows: records.map((r) => columns.map((c) => r[c])),
    ...(source ? { source } : {}),
  };
}
