/**
 * The one plain-text table of the console and the text e-mail: a header, a rule of dashes and one line per
 * row, columns padded to their widest cell and separated by two spaces, trailing spaces trimmed.
 */

export interface TextTableOptions<Key extends string> {
  /** The columns, in order. (Default: the keys of the first row) */
  columns?: readonly Key[];
  /** Columns whose cells and header are right-aligned: counts, durations, ids. (Default: none) */
  alignRight?: readonly Key[];
  /** Written before every line, e.g. `'  '` for a table inside a section of a report. (Default: '') */
  indent?: string;
  /** Print the header line and its rule; without it the table is an aligned list. (Default: true) */
  header?: boolean;
  /**
   * Changes a cell after it is padded, e.g. to colour a status: escape codes added here do not count
   * towards the column's width. (Default: none)
   */
  paint?: (key: Key, padded: string, rowIndex: number) => string;
}

/**
 * The lines of a table of text cells: with a header, `lines[0]` is the header and `lines[1]` the rule, then
 * `lines[2 + i]` is `rows[i]` (callers print detail lines under a row). Whitespace inside a cell becomes
 * one space, so a multi-line message cannot break the layout.
 */
export function textTableLines<Key extends string>(
  rows: readonly Record<Key, string>[],
  // the column names come from the rows; the options only refer to them
  options: TextTableOptions<NoInfer<Key>> = {},
): string[] {
  const keys = options.columns ?? (rows.length ? (Object.keys(rows[0]!) as Key[]) : []);
  const right = new Set<Key>(options.alignRight ?? []);
  const indent = options.indent ?? '';
  const header = options.header ?? true;
  const cells = rows.map((row) => keys.map((key) => row[key].replace(/\s+/g, ' ')));
  const widths = keys.map((key, i) =>
    Math.max(header ? key.length : 0, ...cells.map((row) => row[i]!.length)),
  );
  const pad = (text: string, i: number) =>
    right.has(keys[i]!) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (texts: string[]) => `${indent}${texts.join('  ')}`.trimEnd();
  const body = cells.map((row, r) =>
    line(row.map((text, i) => options.paint?.(keys[i]!, pad(text, i), r) ?? pad(text, i))),
  );
  if (!header) return body;
  return [line(keys.map((key, i) => pad(key, i))), line(widths.map((w) => '-'.repeat(w))), ...body];
}

/**
 * Rows of any values (query results, listings): cells through `formatCell`, numeric columns right-aligned,
 * `(no rows)` for none.
 */
export function formatTable(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(no rows)';
  const keys = columns ?? Object.keys(rows[0]!);
  const numeric = keys.filter((key) =>
    rows.every((row) => row[key] === null || typeof row[key] === 'number'),
  );
  const cells = rows.map((row) => Object.fromEntries(keys.map((key) => [key, formatCell(row[key])])));
  return textTableLines(cells, { columns: keys, alignRight: numeric }).join('\n');
}

/**
 * A value of a query result as it is stored: dates as full ISO instants and numbers ungrouped, since what
 * `dwh sql` prints is data to be copied, not a report to be read.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (typeof value === 'string') return value.replace(/\s+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value) ?? '';
}
