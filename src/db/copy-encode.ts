/**
 * Rows → PostgreSQL COPY text format (tab-separated, `\N` for null, backslash escapes). Text format is cheaper
 * to produce than CSV: no quoting decisions, and escaping is only needed for the rare value containing a
 * backslash, tab, newline or carriage return.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

function encodeCopyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  switch (typeof value) {
    case 'string':
      text = value;
      break;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      text = value instanceof Date ? dateText(value) : JSON.stringify(value);
  }
  return NEEDS_ESCAPE.test(text) ? escape(text) : text;
}

function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('invalid Date value');
  return date.toISOString();
}

function escape(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
  );
}

/**
 * Encodes rows whose values sit at `positions` (index into each row per target column; -1 = null) as COPY
 * text lines, written straight into one Buffer: ASCII is copied char by char with escapes inline, so a batch
 * leaves no intermediate strings behind (string concatenation made garbage collection the main cost).
 */
export function encodeCopyRows(rows: readonly unknown[][], positions: readonly number[]): Buffer {
  const writer = new ByteWriter(rows.length * positions.length * 12 + 1024);
  const last = positions.length - 1;
  for (const row of rows) {
    for (let i = 0; i <= last; i++) {
      const at = positions[i]!;
      const value = at < 0 ? null : row[at];
      if (value === null || value === undefined) writer.raw('\\N');
      else if (typeof value === 'string') writer.text(value);
      else writer.text(encodeCopyValue(value), true);
      writer.byte(i === last ? 10 : 9);
    }
  }
  return writer.done();
}

class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(code: number): void {
    this.ensure(1);
    this.buf[this.pos++] = code;
  }

  /** Already-encoded COPY text (no escaping). */
  raw(text: string): void {
    this.ensure(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** A value: escapes backslash, tab, newline and CR; non-ASCII goes through the UTF-8 encoder. */
  text(value: string, escaped = false): void {
    const length = value.length;
    this.ensure(length * 2);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 128) {
        this.pos = pos;
        this.raw(escaped ? value.slice(i) : encodeCopyValue(value.slice(i)));
        return;
      }
      if (!escaped && (c === 92 || c === 9 || c === 10 || c === 13)) {
        buf[pos++] = 92;
        buf[pos++] = c === 92 ? 92 : c === 9 ? 116 : c === 10 ? 110 : 114;
      } else buf[pos++] = c;
    }
    this.pos = pos;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
