import { quoteIdent } from './quote.js';

/** A table, optionally schema-qualified. (Default schema: the search path, usually `public`) */
export interface TableName {
  schema?: string;
  table: string;
}

/** `"schema"."table"` or `"table"`. */
export function tableIdent(name: TableName): string {
  return name.schema ? quoteIdent(name.schema, name.table) : quoteIdent(name.table);
}

/** `schema.table` or `table`, unquoted: how messages and `ctx.report({ records, table })` name a table. */
export function tableLabel(name: TableName): string {
  return name.schema ? `${name.schema}.${name.table}` : name.table;
}

/**
 * `orders` → `{ table: 'orders' }`, `sales.orders` → `{ schema: 'sales', table: 'orders' }`: a table named
 * in one string, as checks name it. Names are taken as written (no quotes, no case folding).
 */
export function parseTableName(text: string): TableName {
  const parts = text.split('.');
  if (parts.length > 2 || parts.some((part) => part === '')) {
    throw new TypeError(`not a table name: ${JSON.stringify(text)} (write table or schema.table)`);
  }
  return parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { table: parts[0]! };
}
