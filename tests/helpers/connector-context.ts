import { Writable } from 'node:stream';
import pino from 'pino';
import type { ExtractContext } from '../../src/core/types.js';
import type { LoadSource, RowBatch } from '../../src/core/load-source.js';

/**
 * An extract context with a window and a plain pino logger (no redaction) whose lines are kept, so a test can
 * show that a secret is never logged in the first place.
 */
export function extractContext(
  options: { projectDir?: string; window?: { start: Date; end: Date }; signal?: AbortSignal } = {},
): { ctx: ExtractContext; lines: string[] } {
  const lines: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const ctx: ExtractContext = {
    window: {
      loadType: 'I',
      previousMaxDate: null,
      ...(options.window ?? {
        start: new Date('2026-01-01T00:00:00Z'),
        end: new Date('2026-01-02T00:00:00Z'),
      }),
    },
    projectDir: options.projectDir ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
    log,
  };
  return { ctx, lines };
}

/** All rows of a row source as objects. */
export async function collectRows(source: LoadSource): Promise<Record<string, unknown>[]> {
  if (source.kind !== 'rows') throw new Error(`expected rows, got ${source.kind}`);
  const out: Record<string, unknown>[] = [];
  for await (const batch of source.batches as AsyncIterable<RowBatch>) {
    for (const row of batch.rows) out.push(Object.fromEntries(batch.columns.map((c, i) => [c, row[i]])));
  }
  return out;
}
