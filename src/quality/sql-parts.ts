import { bindNamedParams } from '../db/named-params.js';
import { quoteIdent } from '../db/quote.js';
import { parseTableName, tableIdent } from '../db/table-name.js';
import type { Sql } from '../db/sql.js';

/** Collects values for `$n` placeholders while a statement is assembled. */
export class SqlValues {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  /** The placeholder of a new value, e.g. `$3`. */
  add(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

/** `orders` → `"orders"`, `sales.orders` → `"sales"."orders"`. */
export function tableRef(table: string): string {
  return tableIdent(parseTableName(table));
}

export function column(name: string, alias?: string): string {
  return alias ? `${alias}.${quoteIdent(name)}` : quoteIdent(name);
}

/**
 * Binds the `:name` parameters of an author's SQL fragment into `values`, numbering its placeholders after the
 * values already collected. Fragments use `:name` parameters; a literal `$n` inside them is not supported.
 */
export function bindFragment(
  fragment: string,
  params: Record<string, unknown>,
  values: SqlValues,
  source: string,
): string {
  const bound = bindNamedParams(fragment, params, source);
  const offset = values.values.length;
  values.values.push(...bound.values);
  return bound.text.replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + offset}`);
}

/** A check's optional `where` as a predicate (or `true`), and the value collector to continue with. */
export function startWith(
  where: string | undefined,
  params: Record<string, unknown>,
  source: string,
  values = new SqlValues(),
): { predicate: string; values: SqlValues } {
  if (!where?.trim()) return { predicate: 'true', values };
  return { predicate: `(${bindFragment(where, params, values, source)})`, values };
}

/** `select count(*)` of the rows a failing-rows query returns. */
export function countOf(query: Sql): Sql {
  return { text: `select count(*)::bigint as n from (${query.text}) as failing`, values: query.values };
}

/** The first `limit` rows of a failing-rows query. */
export function sampleOf(query: Sql, limit = 10): Sql {
  return { text: `select * from (${query.text}) as failing limit ${limit}`, values: query.values };
}
