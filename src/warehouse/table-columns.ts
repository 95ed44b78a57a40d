import { WarehouseError } from './warehouse-error.js';
import { tableIdent, tableLabel, type TableName } from '../db/table-name.js';
import type { TxQuery } from './transaction.js';

export interface ColumnInfo {
  name: string;
  /** SQL type as PostgreSQL prints it, e.g. `numeric(10,2)`; used verbatim in generated DDL. */
  type: string;
}

/** The columns of a table in order, or null when the table does not exist. */
export async function tableColumns(query: TxQuery, table: TableName): Promise<ColumnInfo[] | null> {
  const [exists] = await query<{ oid: string | null }>({
    text: 'SELECT to_regclass($1)::text AS oid',
    values: [tableIdent(table)],
  });
  if (!exists?.oid) return null;
  return query<ColumnInfo>({
    text: `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute a
           WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
           ORDER BY a.attnum`,
    values: [tableIdent(table)],
  });
}

/** The columns of a table that must exist; a missing table or column is an error naming both. */
export async function requireTableColumns(
  query: TxQuery,
  table: TableName,
  needed: readonly string[],
  role: string,
): Promise<Map<string, ColumnInfo>> {
  const columns = await tableColumns(query, table);
  const shown = tableLabel(table);
  if (!columns) throw new WarehouseError(`${role} table ${shown} does not exist`);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const missing = needed.filter((c) => !byName.has(c));
  if (missing.length) {
    throw new WarehouseError(
      `${role} table ${shown} has no column(s) ${missing.join(', ')} (it has ${columns.map((c) => c.name).join(', ')})`,
    );
  }
  return byName;
}
