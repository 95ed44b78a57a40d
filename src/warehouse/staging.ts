import type { Knex } from 'knex';
import { quoteIdent } from '../db/quote.js';
import { columnList, requireColumns } from './sql-fragments.js';
import type { Sql } from '../db/sql.js';
import { tableIdent, type TableName } from '../db/table-name.js';
import { inTransaction, type TxQuery } from './transaction.js';
import { StagingCheckError, WarehouseError } from './warehouse-error.js';

/** How many offending keys a failed check lists. */
const LISTED_KEYS = 20;

export interface StageOptions extends TableName {
  /** Natural key of the staged rows: checked for NULLs and duplicates. (Default: no key checks) */
  naturalKey?: string[];
  /** Fills the emptied table: one INSERT … SELECT, or a function running statements in the transaction. */
  load: Sql | ((query: TxQuery) => Promise<unknown>);
  /** Fail when fewer rows were staged. (Default: 0) */
  minRows?: number;
}

/**
 * Staging in one step and one transaction: truncate, load, check (NULL natural keys, duplicate natural keys,
 * row count). A failed check rolls everything back and names up to 20 offending keys.
 */
export async function stageTable(db: Knex, options: StageOptions): Promise<{ rows: number }> {
  const naturalKey = requireColumns(`stageTable(${options.table}): naturalKey`, options.naturalKey, true);
  const table = tableIdent(options);
  return inTransaction(db, async (query) => {
    await query(`TRUNCATE ${table}`);
    if (typeof options.load === 'function') await options.load(query);
    else await query(options.load);
    const [{ rows } = { rows: 0 }] = await query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM ${table}`,
    );
    if (naturalKey.length) await checkKeys(query, options.table, table, naturalKey);
    if (rows < (options.minRows ?? 0)) {
      throw new StagingCheckError(
        options.table,
        'row_count',
        [],
        `staging ${options.table}: ${rows} row(s) staged, at least ${options.minRows} expected`,
      );
    }
    return { rows };
  });
}

async function checkKeys(query: TxQuery, name: string, table: string, naturalKey: readonly string[]) {
  const anyNull = naturalKey.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ');
  const [nulls] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${anyNull}`);
  if (nulls!.n > 0) {
    throw new StagingCheckError(
      name,
      'null_keys',
      [],
      `staging ${name}: ${nulls!.n} row(s) with a NULL natural key (${naturalKey.join(', ')})`,
    );
  }
  const duplicates = await query<Record<string, unknown>>(
    `SELECT ${columnList(naturalKey)}, count(*)::int AS _rows FROM ${table}
     GROUP BY ${columnList(naturalKey)} HAVING count(*) > 1 ORDER BY ${columnList(naturalKey)} LIMIT ${LISTED_KEYS + 1}`,
  );
  if (duplicates.length) {
    const keys = duplicates.slice(0, LISTED_KEYS).map((row) => naturalKey.map((c) => row[c]));
    const shown = duplicates
      .slice(0, LISTED_KEYS)
      .map((row) => `${naturalKey.map((c) => String(row[c])).join('/')} (${String(row._rows)}×)`);
    throw new StagingCheckError(
      name,
      'duplicate_keys',
      keys,
      `staging ${name}: duplicate natural key (${naturalKey.join(', ')}): ${shown.join(', ')}` +
        (duplicates.length > LISTED_KEYS ? ', …' : ''),
    );
  }
}

/** Multi-row INSERTs of at most `chunk` rows each (values as parameters), for loads written in code. */
export function insertRowsSql(
  table: TableName,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  chunk = 1000,
): Sql[] {
  if (columns.length === 0) throw new WarehouseError(`insert into ${table.table}: no columns`);
  const statements: Sql[] = [];
  for (let at = 0; at < rows.length; at += chunk) {
    const part = rows.slice(at, at + chunk);
    const values: unknown[] = [];
    const tuples = part.map((row) => {
      if (row.length !== columns.length)
        throw new WarehouseError(
          `insert into ${table.table}: row ${at + part.indexOf(row) + 1} has ${row.length} values for ${columns.length} columns`,
        );
      return `(${row.map((value) => `$${values.push(value)}`).join(', ')})`;
    });
    statements.push({
      text: `INSERT INTO ${tableIdent(table)} (${columnList(columns)}) VALUES ${tuples.join(', ')}`,
      values,
    });
  }
  return statements;
}
