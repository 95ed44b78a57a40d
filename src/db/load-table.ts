import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { TaskContext } from '../core/types.js';
import { DwhError, EXIT, errorMessage } from '../core/errors.js';
import { InputError } from '../core/input-error.js';
import { encodeCopyRows } from './copy-encode.js';
import { pgliteCopySession } from './copy-pglite.js';
import { serverCopySession } from './copy-server.js';
import { CopyLineError, type CopySession } from './copy-session.js';
import { copyFromStatement } from './copy-sql.js';
import { readCsvHeader } from './csv-header.js';
import { CsvScan, recordStartLine } from './csv-scan.js';
import { LoadProgress } from './load-progress.js';
import {
  toLoadSource,
  type BytePart,
  type ByteSource,
  type LoadInput,
  type RowBatch,
  type RowSource,
} from '../core/load-source.js';
import { quoteIdent } from './quote.js';
import { tableIdent, tableLabel, type TableName } from './table-name.js';
import { transaction } from './transaction.js';

/**
 * How existing rows are treated, inside the same transaction as the load (a failed load changes nothing):
 * - append:        rows are added.
 * - truncate:      the table is emptied first.
 * - delete-window: rows whose `windowColumn` lies in the run's window `[start, end)` are deleted first, so a
 *                  re-run of the same window replaces its rows instead of doubling them.
 */
export type LoadMode = 'append' | 'truncate' | 'delete-window';

/** The target table; `schema` defaults to 'public'. */
export interface LoadTableOptions extends TableName {
  /** Target columns. (Default: the source's columns — batch columns, or the CSV header) */
  columns?: readonly string[];
  /** (Default: 'append') */
  mode?: LoadMode;
  /** The date/timestamp column that `delete-window` compares with the window. */
  windowColumn?: string;
  /** A progress line every this many ms. (Default: 5000) */
  progressEveryMs?: number;
}

export interface LoadResult {
  records: number;
  durationMs: number;
  rowsPerSecond: number;
  /** 'pass-through' when bytes went to COPY untouched, 'rows' when dwh encoded rows. */
  path: 'rows' | 'pass-through';
}

/** What loadTable needs of a task context. */
export type LoadContext = Pick<TaskContext, 'db' | 'log' | 'window' | 'signal'>;

/** A load that failed: names the table and, when known, the source (file, URL) and line or row. */
export class LoadError extends DwhError {
  constructor(
    readonly table: string,
    readonly source: string | null,
    readonly line: number | null,
    message: string,
    cause?: unknown,
  ) {
    // without a cause it is a bad option (mode, windowColumn); with one, the cause decides (see retry-class.ts)
    super('LOAD', message, {
      cause,
      exitCode: EXIT.runFailed,
      retryable: cause === undefined ? false : undefined,
    });
  }
}

/** The table with its schema spelled out, and how messages name it (`public.orders`). */
interface Target extends Required<TableName> {
  label: string;
}

type ModeStatement = (
  target: Target,
  options: LoadTableOptions,
  ctx: LoadContext,
) => {
  text: string;
  values: unknown[];
} | null;

const modeStatements: Record<LoadMode, ModeStatement> = {
  append: () => null,
  truncate: (t) => ({ text: `TRUNCATE TABLE ${tableIdent(t)}`, values: [] }),
  'delete-window': (t, options, ctx) => {
    if (!options.windowColumn) {
      throw new LoadError(
        t.label,
        null,
        null,
        `loadTable ${t.label}: mode 'delete-window' needs windowColumn`,
      );
    }
    const column = quoteIdent(options.windowColumn);
    return {
      text: `DELETE FROM ${tableIdent(t)} WHERE ${column} >= $1 AND ${column} < $2`,
      values: [ctx.window.start, ctx.window.end],
    };
  },
};

/**
 * Loads a source into a table with COPY: COPY FROM STDIN on a server, chunked COPY FROM '/dev/blob' on PGlite.
 * Bytes (CSV files, another database's COPY output) go to COPY untouched — the pass-through fast path; rows
 * are encoded in COPY text format. The mode statement and the load share one transaction.
 */
export async function loadTable(
  ctx: LoadContext,
  options: LoadTableOptions,
  input: LoadInput,
): Promise<LoadResult> {
  const mode = options.mode ?? 'append';
  if (!(mode in modeStatements)) {
    throw new LoadError(
      options.table,
      null,
      null,
      `loadTable: unknown mode ${JSON.stringify(mode)}; use append, truncate or delete-window`,
    );
  }
  const table = { schema: options.schema ?? 'public', table: options.table };
  const target: Target = { ...table, label: tableLabel(table) };
  const source = toLoadSource(input);
  const statement = modeStatements[mode](target, options, ctx);
  const progress = new LoadProgress(ctx.log, target.label, options.progressEveryMs ?? 5000);
  const records = await withCopySession(ctx.db, async (session) => {
    if (statement) {
      const affected = await session.exec(statement.text, statement.values);
      if (mode === 'delete-window') ctx.log.info(`${target.label}: deleted ${affected} rows of the window`);
    }
    return source.kind === 'rows'
      ? copyRows(session, target, options, source, ctx, progress)
      : copyBytes(session, target, options, source, ctx, progress);
  });
  const path = source.kind === 'rows' ? 'rows' : 'pass-through';
  const done = progress.finish(records, `${mode}, ${path}`);
  return { records, ...done, path };
}

/** One transaction for the mode statement and the COPYs, on the connection's own COPY path. */
function withCopySession<T>(knex: Knex, work: (session: CopySession) => Promise<T>): Promise<T> {
  return transaction(
    knex,
    (connection) =>
      work(
        connection.engine === 'pglite'
          ? pgliteCopySession(connection.pglite)
          : serverCopySession(connection.client),
      ),
    // the server rolled back by itself; the load's own error (table, file, line) is what the user needs,
    // with the connection loss as its cause
    { lostConnection: withConnectionLoss },
  );
}

function withConnectionLoss(error: unknown, rollbackError: unknown): unknown {
  if (!(error instanceof LoadError)) return error;
  return new LoadError(
    error.table,
    error.source,
    error.line,
    `${error.message} (the connection to the database was lost)`,
    new ConnectionLostError(
      `the connection to the database was lost: ${errorMessage(rollbackError)}`,
      error.cause ?? rollbackError,
    ),
  );
}

/** The connection to the warehouse ended during a load (the cause of the load's LoadError); retryable. */
export class ConnectionLostError extends DwhError {
  constructor(message: string, cause: unknown) {
    super('DATABASE', message, { cause, exitCode: EXIT.runFailed });
  }
}

interface BatchTrace {
  firstRow: number;
  count: number;
  source: string | undefined;
  lines: number[] | undefined;
}
/** Line numbers of the last batches are kept to name the source line of a COPY error; older ones are dropped. */
const TRACE_KEEP = 64;

async function copyRows(
  session: CopySession,
  target: Target,
  options: LoadTableOptions,
  source: RowSource,
  ctx: LoadContext,
  progress: LoadProgress,
): Promise<number> {
  const iterator =
    (source.batches as AsyncIterable<RowBatch>)[Symbol.asyncIterator]?.() ??
    toAsync((source.batches as Iterable<RowBatch>)[Symbol.iterator]());
  let first = await iterator.next();
  while (!first.done && first.value.rows.length === 0) first = await iterator.next();
  if (first.done) return 0;
  const columns = options.columns ?? first.value.columns;
  const statement = copyFromStatement({
    ...target,
    columns,
    format: 'text',
    header: false,
    from: session.from,
  });
  const traces: BatchTrace[] = [];
  let rowCount = 0;
  let cachedColumns: readonly string[] | null = null;
  let positions: number[] = [];
  async function* encoded(): AsyncGenerator<Buffer> {
    let next: IteratorResult<RowBatch> = first;
    while (!next.done) {
      ctx.signal.throwIfAborted();
      const batch = next.value;
      if (batch.columns !== cachedColumns) {
        cachedColumns = batch.columns;
        positions = columns.map((c) => batch.columns.indexOf(c));
      }
      traces.push({
        firstRow: rowCount + 1,
        count: batch.rows.length,
        source: batch.source,
        lines: batch.lines,
      });
      if (traces.length > TRACE_KEEP) traces.shift();
      rowCount += batch.rows.length;
      progress.addRows(batch.rows.length);
      if (batch.rows.length) yield encodeCopyRows(batch.rows, positions);
      next = await iterator.next();
    }
  }
  try {
    return await session.copyText(statement, encoded(), () => {});
  } catch (error) {
    if (!(error instanceof CopyLineError) || error.line === null) throw wrap(target, null, null, error);
    const trace = traces.find((t) => error.line! >= t.firstRow && error.line! < t.firstRow + t.count);
    const index = trace ? error.line - trace.firstRow : -1;
    const line = trace?.lines?.[index] ?? null;
    const where = trace?.source
      ? `${trace.source}${line !== null ? ` line ${line}` : ''} (row ${error.line})`
      : `row ${error.line}`;
    throw wrap(target, trace?.source ?? null, line ?? error.line, error.cause, where);
  }
}

async function copyBytes(
  session: CopySession,
  target: Target,
  options: LoadTableOptions,
  source: ByteSource,
  ctx: LoadContext,
  progress: LoadProgress,
): Promise<number> {
  let rows = 0;
  for await (const part of source.parts) {
    ctx.signal.throwIfAborted();
    let stream: Readable = await part.open();
    let columns = options.columns ?? source.columns;
    if (!columns && source.format === 'csv' && source.header) {
      const peeked = await readCsvHeader(stream, source.delimiter ?? ',', source.encoding);
      stream = peeked.stream;
      if (peeked.empty) {
        stream.destroy();
        throw new InputError(part.name, null, EMPTY_FILE);
      }
      columns = peeked.columns;
    }
    const scan = source.format === 'csv' ? new CsvScan() : null;
    const input = scan ? stream.pipe(scan) : stream;
    const abort = () =>
      stream.destroy(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
    ctx.signal.addEventListener('abort', abort, { once: true });
    stream.once('error', (error) => scan?.destroy(error));
    const statement = (header: boolean) =>
      copyFromStatement({
        ...target,
        columns,
        format: source.format,
        header,
        delimiter: source.delimiter,
        encoding: source.encoding,
        from: session.from,
      });
    let loaded: number;
    try {
      loaded = await session.copyBytes(
        (header) => statement(header),
        input,
        { format: source.format, header: source.header },
        (n) => progress.addBytes(n),
      );
    } catch (error) {
      if (error instanceof CopyLineError) {
        const line = error.line === null || !scan ? error.line : await startOfRecord(part, error.line);
        const where = `${part.name}${line !== null ? ` line ${line}` : ''}`;
        throw wrap(target, part.name, line, error.cause, where);
      }
      throw wrap(target, part.name, null, error, part.name);
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      stream.destroy();
    }
    if (scan) {
      if (scan.quotedMarkers) {
        ctx.log.info(`${target.label}: ${part.name} has ${scan.quotedMarkers} line(s) \\. loaded as data`);
      }
      if (source.header && scan.records === 0) throw new InputError(part.name, null, EMPTY_FILE);
      const expected = scan.records - (source.header ? 1 : 0);
      if (loaded !== expected) {
        throw new InputError(
          part.name,
          null,
          `COPY loaded ${loaded} rows into ${target.label} but the file holds ${expected} records; nothing was loaded`,
        );
      }
    }
    rows += loaded;
  }
  return rows;
}

const EMPTY_FILE = 'the file is empty: no header line, no rows';

/** COPY's line counter → the line where the bad record starts; COPY's own number if the file cannot be re-read. */
async function startOfRecord(part: BytePart, line: number): Promise<number> {
  try {
    return await recordStartLine(await part.open(), line);
  } catch {
    // the source cannot be read a second time (a stream, not a file): COPY's line is still near the record
    return line;
  }
}

function wrap(
  target: Target,
  source: string | null,
  line: number | null,
  error: unknown,
  where?: string,
): Error {
  if (error instanceof LoadError) return error;
  const message = `loading ${target.label}${where ? ` from ${where}` : ''}: ${errorMessage(error)}`;
  return new LoadError(target.label, source, line, message, error);
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: () => Promise.resolve(iterator.next()) };
}
