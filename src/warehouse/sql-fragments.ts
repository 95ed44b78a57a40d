/** SQL fragments the warehouse builders share: column lists, key joins, row hashes, date literals. */
import { isDateOnly } from '../core/dates.js';
import { quoteIdent } from '../db/quote.js';

/** `a."x", a."y"` for a list of columns, optionally prefixed with a table alias. */
export function columnList(columns: readonly string[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${quoteIdent(c)}` : quoteIdent(c))).join(', ');
}

/** `a."k1" = b."k1" AND a."k2" = b."k2"`: the join on a (composite) natural key. */
export function keyJoin(columns: readonly string[], left: string, right: string): string {
  return columns.map((c) => `${left}.${quoteIdent(c)} = ${right}.${quoteIdent(c)}`).join(' AND ');
}

/**
 * A change-detection hash of some columns: the md5 of the row's text form as a uuid (16 bytes). The row text
 * form keeps NULL (`(,x)`) and the empty string (`("",x)`) apart, so a change between them is a change.
 */
export function rowHash(columns: readonly string[], alias: string): string {
  if (columns.length === 0) return `md5('')::uuid`;
  return `md5(ROW(${columnList(columns, alias)})::text)::uuid`;
}

/** A `YYYY-MM-DD` literal for DDL (partition bounds cannot be parameters); anything else is refused. */
export function dateLiteral(day: string): string {
  if (!isDateOnly(day)) throw new TypeError(`not a YYYY-MM-DD date: ${JSON.stringify(day)}`);
  return `'${day}'`;
}

/** Checks that a list of column names is non-empty and has no duplicates; the message names the option. */
export function requireColumns(what: string, columns: readonly string[] | undefined, allowEmpty = false) {
  const list = columns ?? [];
  if (!allowEmpty && list.length === 0) throw new TypeError(`${what}: at least one column is required`);
  const seen = new Set<string>();
  for (const column of list) {
    if (typeof column !== 'string' || column.length === 0)
      throw new TypeError(`${what}: ${JSON.stringify(column)} is not a column name`);
    if (seen.has(column)) throw new TypeError(`${what}: column "${column}" is listed twice`);
    seen.add(column);
  }
  return list;
}
