import { Transform, type Readable, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
/** `\.` as a quoted value: data to every PostgreSQL version, never the end-of-data marker. */
const QUOTED_END_MARKER = Buffer.from('"\\."');

/**
 * Watches CSV bytes on their way to COPY, so the pass-through path loads what the file holds:
 * - A record that is just `\.` is COPY's end-of-data marker in CSV mode up to PostgreSQL 17: the server would
 *   stop there and drop every row after it without an error. It is passed on quoted (`"\."`), which COPY
 *   reads as the value `\.`, as the parsed path does.
 * - It counts records (blank lines included: COPY loads or rejects them too), so the loader can check that
 *   COPY loaded as many rows as the file holds.
 * - With `onRecord`, it reports the physical lines each record spans; used to turn COPY's line counter into
 *   the line where a bad record starts.
 * The only quote character is `"` (dwh passes no QUOTE option to COPY); a doubled `""` toggles twice.
 */
export class CsvScan extends Transform {
  /** Records ended so far (a last record without a newline is counted at the end of the stream). */
  records = 0;
  /** `\.` records passed on quoted. */
  quotedMarkers = 0;
  /** Called at the end of each record with its first and last physical line. */
  onRecord: ((startLine: number, endLine: number) => void) | null = null;

  private quoted = false;
  private atStart = true;
  private content = false;
  private cr = false;
  private line = 1;
  private startLine = 1;
  private held: Buffer | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = null;
    callback(null, this.scan(buf, false));
  }

  override _flush(callback: TransformCallback): void {
    const rest = this.held ? this.scan(this.held, true) : null;
    this.held = null;
    if (this.cr) this.endRecord(true);
    else if (this.content || this.quoted) this.endRecord(false);
    callback(null, rest);
  }

  private endRecord(newline: boolean): void {
    this.records++;
    this.onRecord?.(this.startLine, this.line);
    if (newline) this.line++;
    this.startLine = this.line;
    this.atStart = true;
    this.content = false;
    this.cr = false;
  }

  private scan(buf: Buffer, final: boolean): Buffer {
    const parts: Buffer[] = [];
    let from = 0;
    let holdAt = -1;
    const length = buf.length;
    for (let i = 0; i < length; i++) {
      const b = buf[i]!;
      if (this.cr) {
        // a CR ended the record; CRLF ends it at the LF
        if (b === LF) {
          this.endRecord(true);
          continue;
        }
        this.endRecord(true);
      }
      if (this.quoted) {
        if (b === QUOTE) this.quoted = false;
        else if (b === LF) this.line++;
        continue;
      }
      if (b === LF) {
        this.endRecord(true);
        continue;
      }
      if (b === CR) {
        this.cr = true;
        continue;
      }
      if (b === BACKSLASH && this.atStart) {
        if (i + 2 >= length && !final) {
          holdAt = i;
          break;
        }
        const next = i + 2 < length ? buf[i + 2]! : -1;
        if (buf[i + 1] === DOT && (next === -1 || next === LF || next === CR)) {
          parts.push(buf.subarray(from, i), QUOTED_END_MARKER);
          from = i + 2;
          i++;
          this.quotedMarkers++;
          this.atStart = false;
          this.content = true;
          continue;
        }
      }
      if (b === QUOTE) this.quoted = true;
      this.atStart = false;
      this.content = true;
    }
    if (holdAt >= 0) {
      this.held = Buffer.from(buf.subarray(holdAt));
      parts.push(buf.subarray(from, holdAt));
    } else parts.push(buf.subarray(from));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/**
 * The first physical line of the record that contains `line` (COPY counts the lines inside quoted values,
 * and reports the line where it noticed the problem: the end of a record, or past the end of the file for an
 * unclosed quote). Reads the stream again from the start; used only once a load has failed.
 */
export async function recordStartLine(stream: Readable, line: number): Promise<number> {
  const scan = new CsvScan();
  let found: number | null = null;
  let last = 1;
  scan.onRecord = (start, end) => {
    last = start;
    if (found === null && end >= line) found = start;
  };
  // pipe() does not pass a source error on: without this a failing source would leave the loop waiting
  stream.once('error', (error) => scan.destroy(error));
  try {
    for await (const chunk of stream.pipe(scan) as AsyncIterable<Buffer>) {
      void chunk;
      if (found !== null) break;
    }
  } finally {
    stream.destroy();
    scan.destroy();
  }
  return found ?? last;
}
