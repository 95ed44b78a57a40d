import { createWriteStream, existsSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type CsvRow = Record<string, unknown>;

export interface WriteCsvOptions {
  /** Column order and header; (Default: the keys of the first row) */
  columns?: string[];
}

/** `ctx.output`: CSV files under `metadata/<project>/output/`. */
export interface OutputWriter {
  readonly dir: string;
  /**
   * Writes `<timestamp>[_name].csv` and returns its path; rows may be an array, iterable or stream. When the
   * write fails (disk full, the source throws), the partial file is removed before the error is passed on.
   */
  writeCsv(
    rows: Iterable<CsvRow> | AsyncIterable<CsvRow>,
    name?: string,
    options?: WriteCsvOptions,
  ): Promise<string>;
  /** Files written during this run. */
  readonly files: readonly string[];
}

export function outputDir(metadataDir: string, project: string): string {
  return path.join(metadataDir, project, 'output');
}

export function createOutputWriter(
  dir: string,
  clock: () => Date = () => new Date(),
): OutputWriter & { removeAll(): void } {
  const files: string[] = [];
  return {
    dir,
    files,
    async writeCsv(rows, name, options = {}) {
      if (name !== undefined && !/^[A-Za-z0-9._-]+$/.test(name)) {
        throw new TypeError(
          `ctx.output.writeCsv: name ${JSON.stringify(name)} may only use letters, digits, . _ -`,
        );
      }
      mkdirSync(dir, { recursive: true });
      const stamp = clock().toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');
      let file = path.join(dir, `${stamp}${name ? `_${name}` : ''}.csv`);
      for (let n = 2; existsSync(file) || files.includes(file); n++) {
        file = path.join(dir, `${stamp}${name ? `_${name}` : ''}_${n}.csv`);
      }
      const { stringify } = await import('csv-stringify');
      const stringifier = stringify({
        header: true,
        ...(options.columns ? { columns: options.columns } : {}),
        cast: {
          date: (value) => value.toISOString(),
          boolean: (value) => (value ? 'true' : 'false'),
          object: (value) => JSON.stringify(value),
        },
      });
      try {
        await pipeline(Readable.from(rows as AsyncIterable<CsvRow>), stringifier, createWriteStream(file));
      } catch (error) {
        // a full disk, a file size limit or a failing source: a truncated CSV must not look like a result
        rmSync(file, { force: true });
        throw error;
      }
      files.push(file);
      return file;
    },
    removeAll() {
      for (const file of files.splice(0)) if (existsSync(file)) unlinkSync(file);
    },
  };
}
