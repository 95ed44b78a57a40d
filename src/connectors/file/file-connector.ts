import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { objectsToBatch, type ByteSource, type RowBatch, type RowSource } from '../../db/load-source.js';
import { errorMessage } from '../../core/errors.js';
import type { FileConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
import type { Connector, ExtractContext, ExtractOptions, ExtractRequest } from '../types.js';
import { CsvError, CsvReader } from './csv-reader.js';

const requestSchema = z
  .object({
    /** A file or a glob (`landing/orders_*.csv`); files are read in name order. */
    path: z.string().min(1),
    format: z.enum(['csv', 'json', 'ndjson']).optional(),
    delimiter: z.string().length(1).optional(),
    header: z.boolean().optional(),
    encoding: z.enum(['utf8', 'latin1']).optional(),
    /** CSV without header: the column names. */
    columns: z.array(z.string()).optional(),
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
    const base = this.config.dir ? path.resolve(this.home, this.config.dir) : ctx.projectDir;
    const files = await this.match(base, req.path);
    const format = req.format ?? this.config.format ?? formatOf(req.path);
    const settings = {
      delimiter: req.delimiter ?? this.config.delimiter,
      header: req.header ?? this.config.header,
      encoding: req.encoding ?? this.config.encoding,
    };
    const shown = (file: string) => path.relative(base, file) || path.basename(file);
    if (format === 'csv' && options.prefer === 'bytes') {
      return {
        kind: 'bytes',
        format: 'csv',
        header: settings.header,
        delimiter: settings.delimiter,
        encoding: settings.encoding === 'latin1' ? 'LATIN1' : 'UTF8',
        columns: req.columns ?? null,
        parts: files.map((file) => ({
          name: shown(file),
          open: () => createReadStream(file, { highWaterMark: PASS_THROUGH_CHUNK }),
        })),
      };
    }
    const readers: Record<Format, (file: string) => AsyncGenerator<RowBatch>> = {
      csv: (file) => this.csvBatches(file, shown(file), req, settings),
      json: (file) => this.jsonBatches(file, shown(file)),
      ndjson: (file) => this.ndjsonBatches(file, shown(file)),
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

  private async *csvBatches(
    file: string,
    shown: string,
    req: FileRequest,
    settings: { delimiter: string; header: boolean; encoding: 'utf8' | 'latin1' },
  ): AsyncGenerator<RowBatch> {
    const reader = new CsvReader(shown, settings.delimiter);
    let columns: string[] | null = req.columns ?? null;
    if (columns) reader.expectFields(columns.length);
    let first = settings.header;
    const size = this.config.batchSize;
    let rows: string[][] = [];
    let lines: number[] = [];
    const take = (records: { rows: string[][]; lines: number[] }) => {
      let start = 0;
      if (first && records.rows.length) {
        first = false;
        const header = records.rows[0]!.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
        columns ??= header;
        start = 1;
      }
      for (let k = start; k < records.rows.length; k++) {
        rows.push(records.rows[k]!);
        lines.push(records.lines[k]!);
      }
    };
    const stream = createReadStream(file, { encoding: settings.encoding, highWaterMark: READ_CHUNK });
    try {
      for await (const chunk of stream as AsyncIterable<string>) {
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
      if (error instanceof CsvError) throw error;
      throw new ConnectorError(this.name, `reading ${shown}: ${errorMessage(error)}`, error);
    } finally {
      stream.destroy();
    }
    if (rows.length)
      yield { columns: columns ?? rows[0]!.map((_, i) => `column${i + 1}`), rows, source: shown, lines };
  }

  private async *jsonBatches(file: string, shown: string): AsyncGenerator<RowBatch> {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
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

  private async *ndjsonBatches(file: string, shown: string): AsyncGenerator<RowBatch> {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
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

function formatOf(file: string): Format {
  const ext = path.extname(file.replace(/[*?{}[\]]+$/, '')).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return 'csv';
}
