import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { objectsToBatch, type ByteSource, type RowBatch, type RowSource } from '../../core/load-source.js';
import { DwhError, errorMessage } from '../../core/errors.js';
import { InputError } from '../../core/input-error.js';
import type { FileConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
import type { Connector, ExtractContext, ExtractOptions, ExtractRequest } from '../../core/types.js';
import { CsvReader, type EmptyField } from './csv-reader.js';
import {
  decodeWhole,
  fileEncodings,
  isEmptyFile,
  passThroughEncoding,
  readText,
  toUtf8,
  type FileEncoding,
} from './decode-text.js';

const requestSchema = z
  .object({
    /** A file or a glob (`landing/orders_*.csv`); files are read in name order. */
    path: z.string().min(1),
    format: z.enum(['csv', 'json', 'ndjson']).optional(),
    delimiter: z.string().length(1).optional(),
    header: z.boolean().optional(),
    encoding: z.enum(fileEncodings).optional(),
    /** CSV without header: the column names. */
    columns: z.array(z.string()).optional(),
    /** An empty file (no header, no rows) means no rows instead of an error. (Default: the connector's) */
    allowEmpty: z.boolean().optional(),
  })
  .strict();

type Format = 'csv' | 'json' | 'ndjson';
type FileRequest = z.output<typeof requestSchema>;

/** Small reads for parsing keep few rows alive at a time (see batchSize); pass-through uses 1 MB. */
const READ_CHUNK = 64 * 1024;
const PASS_THROUGH_CHUNK = 1024 * 1024;

/** Local files: CSV (pass-through or parsed), JSON arrays and NDJSON; a glob reads several files in order. */
export class FileConnector implements Connector {
  readonly kind = 'file';

  constructor(
    readonly name: string,
    private readonly config: FileConnectorConfig,
    private readonly home: string,
  ) {}

  open(): Promise<void> {
    if (this.config.dir && !existsSync(path.resolve(this.home, this.config.dir))) {
      return Promise.reject(new ConnectorError(this.name, `folder ${this.config.dir} does not exist`));
    }
    return Promise.resolve();
  }

  /** The folder the connector's paths are relative to: its `dir` (relative to the home), else the project's. */
  folder(projectDir: string): string {
    return this.config.dir ? path.resolve(this.home, this.config.dir) : projectDir;
  }

  async extract(
    request: ExtractRequest,
    ctx: ExtractContext,
    options: ExtractOptions = {},
  ): Promise<RowSource | ByteSource> {
    const parsed = requestSchema.safeParse(typeof request === 'string' ? { path: request } : request);
    if (!parsed.success)
      throw new ConnectorError(
        this.name,
        `bad extract request: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    const req = parsed.data;
    const base = this.folder(ctx.projectDir);
    const shown = (file: string) => path.relative(base, file) || path.basename(file);
    const files = await this.nonEmpty(
      await this.match(base, req.path),
      shown,
      req.allowEmpty ?? this.config.allowEmpty,
    );
    const format = req.format ?? this.config.format ?? formatOf(req.path);
    const settings: CsvSettings = {
      delimiter: req.delimiter ?? this.config.delimiter,
      header: req.header ?? this.config.header,
      encoding: req.encoding ?? this.config.encoding,
      emptyField: options.emptyField ?? 'null',
    };
    if (format === 'csv' && options.prefer === 'bytes') {
      const passThrough = passThroughEncoding[settings.encoding];
      return {
        kind: 'bytes',
        format: 'csv',
        header: settings.header,
        delimiter: settings.delimiter,
        encoding: passThrough.copy,
        columns: req.columns ?? null,
        parts: files.map((file) => ({
          name: shown(file),
          open: () => {
            const stream = createReadStream(file, { highWaterMark: PASS_THROUGH_CHUNK });
            if (!passThrough.transcode) return stream;
            const utf8 = toUtf8(settings.encoding);
            stream.once('error', (error) => utf8.destroy(error));
            return stream.pipe(utf8);
          },
        })),
      };
    }
    const readers: Record<Format, (file: string) => AsyncGenerator<RowBatch>> = {
      csv: (file) => this.csvBatches(file, shown(file), req, settings),
      json: (file) => this.jsonBatches(file, shown(file), settings.encoding),
      ndjson: (file) => this.ndjsonBatches(file, shown(file), settings.encoding),
    };
    async function* all(): AsyncGenerator<RowBatch> {
      for (const file of files) {
        ctx.signal.throwIfAborted();
        yield* readers[format](file);
      }
    }
    return { kind: 'rows', batches: all() };
  }

  private async match(base: string, pattern: string): Promise<string[]> {
    const { glob, isDynamicPattern } = await import('tinyglobby');
    if (!isDynamicPattern(pattern)) {
      const file = path.resolve(base, pattern);
      if (!existsSync(file))
        throw new ConnectorError(this.name, `file ${pattern} not found in ${path.basename(base)}/`);
      return [file];
    }
    const files = (await glob(pattern, { cwd: base, absolute: true, onlyFiles: true })).sort();
    if (files.length === 0)
      throw new ConnectorError(this.name, `no file matches ${pattern} in ${path.basename(base)}/`);
    return files;
  }

  /**
   * An empty file is refused before anything is loaded (a truncate load would otherwise empty the target
   * and report success): a producer that failed half-way often leaves one. With allowEmpty it is skipped.
   */
  private async nonEmpty(
    files: string[],
    shown: (file: string) => string,
    allowEmpty: boolean,
  ): Promise<string[]> {
    const kept: string[] = [];
    for (const file of files) {
      if (!(await isEmptyFile(file))) kept.push(file);
      else if (!allowEmpty) {
        throw new InputError(
          shown(file),
          null,
          `the file is empty (no header, no rows); set allowEmpty: true on the source if an empty file means no rows`,
        );
      }
    }
    return kept;
  }

  private async *csvBatches(
    file: string,
    shown: string,
    req: FileRequest,
    settings: CsvSettings,
  ): AsyncGenerator<RowBatch> {
    const reader = new CsvReader(shown, settings.delimiter, settings.emptyField);
    let columns: string[] | null = req.columns ?? null;
    if (columns) reader.expectFields(columns.length);
    let first = settings.header;
    const size = this.config.batchSize;
    let rows: (string | null)[][] = [];
    let lines: number[] = [];
    const take = (records: { rows: (string | null)[][]; lines: number[] }) => {
      let start = 0;
      if (first && records.rows.length) {
        first = false;
        const header = records.rows[0]!.map((h, i) =>
          (i === 0 ? (h ?? '').replace(/^\uFEFF/, '') : (h ?? '')).trim(),
        );
        columns ??= header;
        start = 1;
      }
      for (let k = start; k < records.rows.length; k++) {
        rows.push(records.rows[k]!);
        lines.push(records.lines[k]!);
      }
    };
    const text = readText(file, shown, settings.encoding, READ_CHUNK);
    try {
      for await (const chunk of text) {
        take(reader.push(chunk));
        if (!columns && rows.length) columns = rows[0]!.map((_, i) => `column${i + 1}`);
        while (rows.length >= size) {
          yield { columns: columns!, rows: rows.slice(0, size), source: shown, lines: lines.slice(0, size) };
          rows = rows.slice(size);
          lines = lines.slice(size);
        }
      }
      take(reader.end());
    } catch (error) {
      if (error instanceof DwhError) throw error;
      throw new ConnectorError(this.name, `reading ${shown}: ${errorMessage(error)}`, error);
    } finally {
      await text.return(undefined);
    }
    if (rows.length)
      yield { columns: columns ?? rows[0]!.map((_, i) => `column${i + 1}`), rows, source: shown, lines };
  }

  private async *jsonBatches(file: string, shown: string, encoding: FileEncoding): AsyncGenerator<RowBatch> {
    let data: unknown;
    const text = await decodeWhole(await readFile(file), file, shown, encoding);
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ConnectorError(this.name, `${shown}: not valid JSON: ${errorMessage(error)}`, error);
    }
    if (!Array.isArray(data))
      throw new ConnectorError(this.name, `${shown}: expected a JSON array of objects`);
    const size = this.config.batchSize;
    for (let i = 0; i < data.length; i += size) {
      const slice = data.slice(i, i + size) as unknown[];
      const bad = slice.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
      if (bad >= 0) throw new ConnectorError(this.name, `${shown}: item ${i + bad + 1} is not an object`);
      yield {
        ...objectsToBatch(slice as Record<string, unknown>[], shown),
        lines: slice.map((_, k) => i + k + 1),
      };
    }
  }

  private async *ndjsonBatches(
    file: string,
    shown: string,
    encoding: FileEncoding,
  ): AsyncGenerator<RowBatch> {
    const input = Readable.from(readText(file, shown, encoding, READ_CHUNK), { objectMode: false });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let records: Record<string, unknown>[] = [];
    let numbers: number[] = [];
    let n = 0;
    for await (const text of lines) {
      n++;
      if (!text.trim()) continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        throw new ConnectorError(
          this.name,
          `${shown} line ${n}: not valid JSON: ${errorMessage(error)}`,
          error,
        );
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        throw new ConnectorError(this.name, `${shown} line ${n}: expected a JSON object`);
      }
      records.push(record as Record<string, unknown>);
      numbers.push(n);
      if (records.length >= this.config.batchSize) {
        yield { ...objectsToBatch(records, shown), lines: numbers };
        records = [];
        numbers = [];
      }
    }
    if (records.length) yield { ...objectsToBatch(records, shown), lines: numbers };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface CsvSettings {
  delimiter: string;
  header: boolean;
  encoding: FileEncoding;
  emptyField: EmptyField;
}

function formatOf(file: string): Format {
  const ext = path.extname(file.replace(/[*?{}[\]]+$/, '')).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return 'csv';
}
