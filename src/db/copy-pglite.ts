import type { Transaction } from '@electric-sql/pglite';
import { copyErrorLine } from './copy-sql.js';
import { CopyLineError, type CopySession } from './copy-session.js';

/**
 * PGlite reads COPY input from one blob (`COPY … FROM '/dev/blob'`) held in memory, so a stream is sent in
 * pieces of about this size: memory stays flat and each piece is still large enough to keep COPY efficient.
 */
const PGLITE_CHUNK_BYTES = 8 * 1024 * 1024;

/** `tx`: the PGlite instance held for the load's transaction (or a PGlite transaction). */
export function pgliteCopySession(
  tx: Pick<Transaction, 'query'>,
  chunkBytes = PGLITE_CHUNK_BYTES,
): CopySession {
  const copyBlob = async (statement: string, parts: Uint8Array[], linesBefore: number) => {
    try {
      const result = await tx.query(statement, [], { blob: new Blob(parts) });
      return result.affectedRows ?? 0;
    } catch (error) {
      const line = copyErrorLine(error);
      throw new CopyLineError(line === null ? null : line + linesBefore, error);
    }
  };
  return {
    from: 'blob',
    async exec(text, values = []) {
      const result = await tx.query(text, [...values]);
      return result.affectedRows ?? 0;
    },
    async copyText(statement, chunks, onBytes) {
      let parts: Uint8Array[] = [];
      let size = 0;
      let rows = 0;
      const flush = async () => {
        if (!parts.length) return;
        const piece = parts;
        parts = [];
        size = 0;
        // one text line per row: the rows already loaded are the lines before this piece
        rows += await copyBlob(statement, piece, rows);
      };
      for await (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        onBytes(chunk.length);
        if (size >= chunkBytes) await flush();
      }
      await flush();
      return rows;
    },
    async copyBytes(statement, stream, piece, onBytes) {
      const splitter = new RecordBoundary(piece.format);
      let pending: Buffer[] = [];
      let size = 0;
      let rows = 0;
      let linesBefore = 0;
      let first = true;
      // COPY counts physical lines (newlines inside quoted values too): so do the offsets of later pieces
      const send = async (data: Buffer[], lines: number) => {
        const header = first && piece.header;
        rows += await copyBlob(statement(header), data, linesBefore);
        linesBefore += lines;
        first = false;
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        onBytes(chunk.length);
        pending.push(chunk);
        size += chunk.length;
        if (size < chunkBytes) continue;
        const all = Buffer.concat(pending);
        const cut = splitter.lastBoundary(all);
        if (cut.end <= 0) {
          pending = [all];
          continue;
        }
        await send([all.subarray(0, cut.end)], cut.lines);
        const rest = all.subarray(cut.end);
        pending = rest.length ? [rest] : [];
        size = rest.length;
      }
      if (size > 0) await send(pending, 0);
      return rows;
    },
  };
}

/**
 * Finds where a piece of the stream may be cut: after a newline that ends a record, and how many lines lie
 * before the cut. In CSV a newline inside quotes belongs to a value; quotes toggle the state (an escaped `""`
 * toggles twice), so parity is enough. In COPY text format every newline ends a record.
 */
class RecordBoundary {
  constructor(private readonly format: 'csv' | 'text') {}

  lastBoundary(buf: Buffer): { end: number; lines: number } {
    if (this.format === 'text') {
      const end = buf.lastIndexOf(0x0a) + 1;
      let lines = 0;
      for (let i = buf.indexOf(0x0a); i !== -1 && i < end; i = buf.indexOf(0x0a, i + 1)) lines++;
      return { end, lines };
    }
    let quoted = false;
    let end = 0;
    let lines = 0;
    let linesBeforeEnd = 0;
    for (let i = 0; i < buf.length; i++) {
      const byte = buf[i];
      if (byte === 0x22) quoted = !quoted;
      else if (byte === 0x0a) {
        lines++;
        if (quoted) continue;
        end = i + 1;
        linesBeforeEnd = lines;
      }
    }
    return { end, lines: linesBeforeEnd };
  }
}
