import type { Knex } from 'knex';
import type { Sql } from './sql.js';

/** Runs one statement inside the transaction and returns its rows. */
export type TxQuery = <Row = Record<string, unknown>>(sql: Sql | string) => Promise<Row[]>;

interface RawConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}
interface KnexClientInternals {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(connection: RawConnection): Promise<void>;
}

/**
 * Runs `work` in one transaction on one connection of the target, with `$n` placeholders (knex's own
 * transactions only speak `?`). Any error rolls everything back, so a failed load leaves no trace.
 * The same code path serves PGlite (its single connection) and a server pool.
 */
export async function inTransaction<T>(db: Knex, work: (query: TxQuery) => Promise<T>): Promise<T> {
  const client = db.client as KnexClientInternals;
  const connection = await client.acquireConnection();
  const query: TxQuery = async <Row>(sql: Sql | string) => {
    const { text, values } = typeof sql === 'string' ? { text: sql, values: [] } : sql;
    const result = await connection.query(text, values);
    return result.rows as Row[];
  };
  try {
    await connection.query('BEGIN');
    let result: T;
    try {
      result = await work(query);
    } catch (error) {
      await connection.query('ROLLBACK');
      throw error;
    }
    await connection.query('COMMIT');
    return result;
  } finally {
    await client.releaseConnection(connection);
  }
}
