import type { Warehouse } from '../../src/db/connection.js';
import { quoteIdent } from '../../src/db/quote.js';

/** Replaces the rows of a test staging table (values as parameters, one row per statement). */
export async function setRows(w: Warehouse, table: string, rows: Record<string, unknown>[]): Promise<void> {
  await w.query(`truncate ${quoteIdent(table)}`);
  for (const row of rows) {
    const columns = Object.keys(row);
    await w.query(
      `insert into ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c)).join(', ')})
       values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  }
}

/** Every row of a table with its physical version (xmin): any write, even of equal values, changes it. */
export async function snapshot(w: Warehouse, table: string, orderBy: string): Promise<unknown[]> {
  return w.query(`select xmin::text as _xmin, t.* from ${quoteIdent(table)} t order by ${orderBy}`);
}

export const day = (text: string) => new Date(`${text}T00:00:00Z`);
