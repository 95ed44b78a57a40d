import { quoteIdent } from './quote.js';
import { tableIdent, type TableName } from './table-name.js';

export interface CopyStatementOptions extends TableName {
  columns: readonly string[] | null;
  format: 'csv' | 'text';
  header: boolean;
  delimiter?: string | undefined;
  encoding?: string | undefined;
  /** `STDIN` on a server, `'/dev/blob'` on PGlite. */
  from: 'stdin' | 'blob';
}

/**
 * `COPY "schema"."table" ("a", "b") FROM STDIN WITH (...)`. COPY options cannot be bind parameters, so each
 * option is checked against a strict shape before it becomes a literal.
 */
export function copyFromStatement(options: CopyStatementOptions): string {
  const columns = options.columns?.length ? ` (${options.columns.map((c) => quoteIdent(c)).join(', ')})` : '';
  const settings = [`FORMAT ${options.format}`];
  if (options.format === 'csv' && options.header) settings.push('HEADER true');
  if (options.delimiter !== undefined) settings.push(`DELIMITER ${delimiterLiteral(options.delimiter)}`);
  if (options.encoding !== undefined) settings.push(`ENCODING ${encodingLiteral(options.encoding)}`);
  const from = options.from === 'stdin' ? 'STDIN' : `'/dev/blob'`;
  return `COPY ${tableIdent(options)}${columns} FROM ${from} WITH (${settings.join(', ')})`;
}

function delimiterLiteral(delimiter: string): string {
  if (delimiter === '\t') return "E'\\t'";
  if ([...delimiter].length !== 1 || /[\r\n\\"]/.test(delimiter)) {
    throw new TypeError(
      `COPY delimiter must be one character other than quote, backslash or newline; got ${JSON.stringify(delimiter)}`,
    );
  }
  return `'${delimiter.replace(/'/g, "''")}'`;
}

function encodingLiteral(encoding: string): string {
  if (!/^[A-Za-z0-9_-]{2,20}$/.test(encoding)) {
    throw new TypeError(
      `COPY encoding must be a PostgreSQL encoding name like UTF8 or LATIN1; got ${JSON.stringify(encoding)}`,
    );
  }
  return `'${encoding}'`;
}

/** Pulls "line N" out of a COPY error's context (`COPY orders, line 3, column amount: "x"`). */
export function copyErrorLine(error: unknown): number | null {
  const where = (error as { where?: unknown }).where;
  const text = `${typeof where === 'string' ? where : ''} ${(error as Error).message ?? ''}`;
  const match = /\bline (\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}
