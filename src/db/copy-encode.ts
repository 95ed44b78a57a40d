/**
 * Rows → PostgreSQL COPY text format (tab-separated, `\N` for null, backslash escapes). Text format is cheaper
 * to produce than CSV: no quoting decisions, and escaping is only needed for the rare value containing a
 * backslash, tab, newline or carriage return.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function encodeCopyValue(value: unknown): string {
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
 * Encodes rows whose values sit at `positions` (index into each row per target column; -1 = null) as one
 * string of COPY text lines.
 */
export function encodeCopyRows(rows: readonly unknown[][], positions: readonly number[]): string {
  let out = '';
  const last = positions.length - 1;
  for (const row of rows) {
    for (let i = 0; i <= last; i++) {
      const at = positions[i]!;
      out += encodeCopyValue(at < 0 ? null : row[at]);
      out += i === last ? '\n' : '\t';
    }
  }
  return out;
}
